/*
 * zdict.c - the preset deflate dictionary of the change-set format
 * (proto/FORMAT.md, "Compression"). Deflate can refer back into these bytes
 * from the first byte of a body, so a small change-set does not pay in full
 * for words every change-set repeats. Changing one byte is a format change.
 */
#include "zdict.h"

/*
 * Ordered from rarest to most common: deflate distances are cheapest to the
 * END of the dictionary. First the Vietnamese (and Khmer) name parts and
 * administrative words of Mekong delta field data, then the campaign's enum
 * values (categories, land status, condition, review, sources, stages), then
 * date prefixes and the leading digits of phone numbers and national ids.
 */
static const char zdict[] =
	/* names, places, notes */
	"Khóm Tổ Ấp Xã Phường Thị trấn Huyện Thị xã Thành phố "
	"Sóc Trăng Cần Thơ Bạc Liêu Trà Vinh Hậu Giang Số nhà Đường "
	"Quốc lộ Tỉnh lộ hẻm kênh rạch sông chùa trường học chợ "
	"cầu Đông Tây Nam Bắc Trung Thượng Hạ Mới Cũ A B C Kinh Sóc "
	"Prey Phú Hòa Hưng Thạnh Thành Thắng Lợi Lập Tân An Bình Long "
	"Mỹ Phước Đại Nghĩa Vĩnh Châu Kế Sách Cù Lao Dung Long Phú "
	"Mỹ Xuyên Thạnh Trị Ngã Năm Mỹ Tú Trần Đề Châu Thành Thị "
	"Văn Hữu Minh Thanh Ngọc Kim Quốc Đức Công Tấn Hoàng Hồng "
	"Xuân Thu Anh Ánh Ân Bảo Cường Dũng Duy Giang Hà Hải Hạnh "
	"Hiền Hiếu Hoa Hùng Hương Khánh Lan Linh Loan Mai Nga Nhỏ Nhung "
	"Phương Quang Sang Sơn Tài Tâm Thảo Thủy Tiến Trang Trinh Tuấn "
	"Tư Út Vân Yến Đẹp Sóc Chanh Sến Lý Thạch Danh Lâm Triệu "
	"Châu Trương Lương Lưu Mai Tô Tạ Hà Từ Đoàn Đinh Vương Phan "
	"Vũ Võ Huỳnh Hồ Ngô Dương Bùi Đỗ Đặng Lê Phạm Trần "
	"Nguyễn Văn Nguyễn Thị Trần Văn Lê Thị Chủ hộ khuyết tật "
	"Gia đình chính sách Mẹ Việt Nam anh hùng neo đơn già yếu "
	"bệnh hiểm nghèo nhà tạm bợ dột nát mái lá vách lá xuống "
	"cấp sập đổ nhà ở hộ nghèo cận nghèo Công ty TNHH Cổ "
	"phần Xây dựng Doanh nghiệp Hợp tác xã Ngân hàng Mặt trận "
	"Tổ quốc Công an tỉnh Bộ Công an nhà hảo tâm xi măng cát đá "
	"gạch sắt thép tôn cột gỗ vận chuyển vật liệu ngày công "
	/* enum values of the field table */
	"poor" "repair" "new_build" "near_poor" "housing_hardship" "policy_family" "other"
	"owned" "owned_no_certificate" "family_land" "leased" "borrowed" "no_land"
	"dilapidated" "temporary" "leaking_roof" "collapsed" "damaged"
	"proposed" "approved" "rejected"
	"mps" "provincial_police" "fatherland_front" "business" "donor" "household"
	"surveyed" "started" "foundation" "walls" "roof" "completed" "handed_over"
	/* dates of the campaign, phone and CCCD prefixes */
	"2023-06-" "2023-07-" "2023-08-" "2023-09-" "2024-" "2025-"
	"037" "09" "086" "088" "089" "090" "091" "092" "093" "094" "096" "097" "098";

const uint8_t *proto_zdict(void)
{
	return (const uint8_t *)zdict;
}

size_t proto_zdict_len(void)
{
	return sizeof zdict - 1; /* the literal's terminator is not part of it */
}
