# e2e_i18n.sh - Vietnamese messages when the locale is Vietnamese, English
# otherwise. Works without a generated vi_VN locale (see agent/i18n.c).
. "$(dirname "$0")/lib.sh"

expect 2 init
err_has "option '--commune' is required"
LANGUAGE=vi expect 2 init
err_has "tùy chọn '--commune' là bắt buộc"
env -u LC_ALL LANG=vi_VN.UTF-8 "$AGENT" init >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 2 ] || fail "LANG=vi_VN.UTF-8 init exited $RC"
err_has "tùy chọn '--commune' là bắt buộc"
env LC_ALL=vi_VN.UTF-8 "$AGENT" --help >"$OUT" 2>"$ERR" || fail "vi --help"
out_has "Ghi nhận hộ gia đình"
LANGUAGE=vi expect 2 init --commune 31498 --bogus
err_has "không có tùy chọn '--bogus'"
init_store
LANGUAGE=vi expect 2 household add --name --hamlet B
err_has "không phải tùy chọn '--hamlet'"; err_has "'--name=--hamlet'"
LANGUAGE=vi expect 2 household add --name A --hamlet B --members 0 --category poor
err_has "--members"; err_has "số người"
LANGUAGE=vi expect 0 status
out_has "Xã/phường"
LANG=en_US.UTF-8 expect 0 status
out_has "Commune:"
finish
