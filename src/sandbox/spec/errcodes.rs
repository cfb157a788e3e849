//! The errcodes the guide names for card/create (its 错误码 table, lines 447–453), and which
//! rules answer them. Everything else the guide's rules refuse is 47001 ("针对报错信息提示的
//! 位置对比示例排查": the errmsg names the member).

use super::{Guide, guide};
use crate::errcode;

/// An errcode of the guide's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errcode {
    /// The code.
    pub code: i64,
    /// The rules that answer it.
    pub rules: &'static str,
    /// The guide's row.
    pub guide: Guide,
}

/// The create errcodes.
pub const CREATE_ERRCODES: &[Errcode] = &[
    Errcode {
        code: errcode::INVALID_TIME,
        rules: "date_info.type missing or not DATE_TYPE_FIX_TIME_RANGE, end not after begin, longer than 90 days",
        guide: guide(449, "40079有效期错误须将有效期设置为90天以内"),
    },
    Errcode {
        code: errcode::IMAGE_URL,
        rules: "logo_url, icon_url_list[], text_image_list[].image_url not from the upload API",
        guide: guide(450, "40141图片url错误须使用将图片上传至CDN后获得的url"),
    },
    Errcode {
        code: errcode::LOCATION_MISSING,
        rules: "location_id_list missing or empty",
        guide: guide(
            451,
            "41025缺少location_list创建的JSON中须填入location_list(即poi_id,门店id)",
        ),
    },
    Errcode {
        code: errcode::JSON_STRUCTURE,
        rules: "every other rule, and a member of the wrong JSON type",
        guide: guide(
            453,
            "47001创建JSON结构错误针对报错信息提示的位置对比示例排查",
        ),
    },
];

/// The image hosts of the upload API (`uploadimg` answers `http://mmbiz.qpic.cn/…`, the
/// reference notes); `mmbiz.qlogo.cn` serves the same images.
pub const IMAGE_HOSTS: &[&str] = &["mmbiz.qpic.cn", "mmbiz.qlogo.cn"];
