# e2e_small_defects.sh - the small things a field worker tripped on: status
# shows long paths whole (text and --json); a file that cannot be written or
# read says the system's cause and the way out for that cause; init names a
# district or the province for what it is and finds a commune by name
# (diacritics optional, several matches listed with codes and districts); a
# store that does not open says SQLite's own words.
. "$(dirname "$0")/lib.sh"
need python3

# init: a district's code lists its communes; the province is named as such.
expect 2 init --commune 943
err_one_line
err_has "--commune '943' is Huyện Kế Sách, a district; give the code or name of one of its communes: 31528 Thị trấn Kế Sách, 31531 "
err_has ", 31558 Xã Kế An, "
grep -q "Phường 5" "$ERR" && fail "a commune of another district offered for 943"
LANGUAGE=vi expect 2 init --commune 943
err_has "là Huyện Kế Sách, một huyện"
expect 2 init --commune 94
err_has "--commune '94' is Tỉnh Sóc Trăng, the province"
expect 2 init --commune 99999
err_has "is not a commune of this campaign's province"
[ ! -e "$T/home/agent.db" ] || fail "a refused init made a store"

# init: by name, with or without diacritics; a name of two communes lists both.
expect 2 init --commune "long phu"
err_one_line
err_has "--commune 'long phu' names 2 communes; give the code of the one you mean: 31639 Thị trấn Long Phú (Huyện Long Phú), 31669 Xã Long Phú (Huyện Long Phú)"
LANGUAGE=vi expect 2 init --commune "long phu"
err_has "là tên của 2 xã"
expect 2 init --commune "Vinh Ta"
err_has "--commune 'Vinh Ta': no commune has this name; these names contain it"; err_has ": 31807 Xã Vĩnh Tân (Thị xã Vĩnh Châu)"
expect 2 init --commune "khong co xa nay"
err_has "--commune 'khong co xa nay': no commune of this campaign's province has this name"
expect 0 --json init --commune "phu tan"
[ "$(json commune)" = 31582 ] || fail "'phu tan' found commune $(json commune), want 31582"
rm -rf "$T/home"
expect 0 init --commune "Xã Phú Tân"
out_has "Commune: Xã Phú Tân (31582)"

# status: a long export path and hub address are shown whole.
long="$T/USB KINGSTON 32GB/Mái Ấm/Xã Phú Tân/tháng 7"
mkdir -p "$long"
expect 0 export --out "$long/xa-phu-tan-2023-07-15.maiam"
expect 0 status
out_has "$long/xa-phu-tan-2023-07-15.maiam"
expect 0 status --json
case "$(json last_export)" in
*" $long/xa-phu-tan-2023-07-15.maiam") ;;
*) fail "status --json cut the export path: $(json last_export)" ;;
esac

# export: the cause, and the way out for that cause.
expect 1 export --out "$T/no/such/folder/x.maiam"
err_one_line
err_has "cannot write '$T/no/such/folder/x.maiam': No such file or directory; the folder is not there"
err_has "is the USB stick plugged in and mounted?"
LANGUAGE=vi expect 1 export --out "$T/no/such/folder/x.maiam"
err_has "thư mục không tồn tại"
expect 1 export --out "$long"
err_has "cannot write '$long': Is a directory; that is a folder: give a file name in it"
if [ "$(id -u)" != 0 ]; then # root writes anywhere
	mkdir "$T/locked" && chmod 0500 "$T/locked"
	expect 1 export --out "$T/locked/x.maiam"
	err_has "Permission denied; this user may not write in that folder"
fi

# import: the cause of a file that cannot be read, and what to do.
expect 1 household import "$T/khong-co.csv"
err_has "cannot read '$T/khong-co.csv': No such file or directory; check the file name and folder"
expect 1 household import "$long"
err_has "Is a directory; that is a folder: give the CSV file in it"

# a store that does not open says SQLite's words, not "database error"
cp "$T/home/agent.db" "$T/good.db"
head -c 8192 /dev/zero | tr '\0' 'x' >"$T/home/agent.db"
expect 1 status
err_has "cannot open the store '$T/home/agent.db': file is not a database"
grep -q "database error" "$ERR" && fail "SQLite's message was lost"
finish
