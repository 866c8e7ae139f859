# e2e_export_full.sh - export to a medium that cannot take the file: the
# write really fails in the kernel (RLIMIT_FSIZE, SIGXFSZ ignored, so write()
# returns EFBIG, as a full FAT stick returns ENOSPC or EFBIG), and the message
# names the file, the system's cause and the way out; nothing is lost and the
# next export writes the same change-sets.
. "$(dirname "$0")/lib.sh"
need python3
init_store

# Enough households with incompressible notes that the file is far larger
# than the limit below, while the store's own small writes (its WAL and
# 32 KiB shared-memory index) stay under it.
python3 - "$T/many.csv" <<'PY'
import base64, os, sys
with open(sys.argv[1], "w") as f:
    f.write("name,hamlet,members,category,note\n")
    for i in range(200):
        f.write("Nguyen Van %d,Ap %d,3,poor,%s\n" % (i, i % 7, base64.b64encode(os.urandom(300)).decode()))
PY
expect 0 household import "$T/many.csv"
expect 0 export --out "$T/first.maiam"
limit_kib=40
size=$(wc -c <"$T/first.maiam")
[ "$size" -gt $((limit_kib * 1024 + 8192)) ] || fail "the test file is only $size bytes: it would fit under the limit"
( trap '' XFSZ; ulimit -f "$limit_kib"; exec "$AGENT" export --out "$T/full.maiam" ) >"$OUT" 2>"$ERR"
RC=$?
[ "$RC" = 1 ] || { fail "export over the file-size limit exited $RC, want 1"; cat "$ERR" >&2; }
err_one_line
err_has "cannot write '$T/full.maiam': File too large; free space on the USB stick or use another one"
[ ! -e "$T/full.maiam" ] || fail "a partial file was left behind"
ls "$T"/full.maiam.tmp.* >/dev/null 2>&1 && fail "the temporary file was left behind"

# The same in Vietnamese: our words translated, the cause from the C library.
( trap '' XFSZ; ulimit -f "$limit_kib"; LANGUAGE=vi exec "$AGENT" export --out "$T/full.maiam" ) >"$OUT" 2>"$ERR"
[ $? = 1 ] || fail "Vietnamese export over the limit did not fail"
err_has "không ghi được '$T/full.maiam': "
err_has "giải phóng chỗ trống trên USB hoặc dùng USB khác, rồi xuất lại"

# Nothing was lost: the store is whole and the next export writes the same bytes.
expect 0 check
expect 0 export --out "$T/again.maiam"
cmp -s "$T/first.maiam" "$T/again.maiam" || fail "the export after the failure differs from the first"

# A directory that does not exist: the cause says so.
expect 1 export --out "$T/no/such/dir/x.maiam"
err_has "cannot write '$T/no/such/dir/x.maiam': No such file or directory; the folder is not there: check the path (is the USB stick plugged in and mounted?)"
finish
