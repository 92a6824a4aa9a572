//! The assessment's (考评) indicators, as CONTRACT.md names them, and the counties assessed.

use serde::Serialize;
use utoipa::ToSchema;

/// The counties whose labour cooperation is assessed (hometown counties of the workers).
pub const COUNTIES: [(&str, &str); 2] = [("520328", "湄潭县"), ("533323", "福贡县")];

/// The Chinese name of an assessed county.
pub fn county_name(code: &str) -> Option<&'static str> {
    COUNTIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// One headline indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    TransferTotal,
    TransferPoverty,
    PovertyToGuangdong,
    PovertyInProvince,
    PovertyNearHome,
    Placed,
    Trained,
    TrainedPoverty,
    Certified,
    Retained6m,
}

impl Indicator {
    pub const ALL: [Indicator; 10] = [
        Indicator::TransferTotal,
        Indicator::TransferPoverty,
        Indicator::PovertyToGuangdong,
        Indicator::PovertyInProvince,
        Indicator::PovertyNearHome,
        Indicator::Placed,
        Indicator::Trained,
        Indicator::TrainedPoverty,
        Indicator::Certified,
        Indicator::Retained6m,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Indicator::TransferTotal => "transfer_total",
            Indicator::TransferPoverty => "transfer_poverty",
            Indicator::PovertyToGuangdong => "poverty_to_guangdong",
            Indicator::PovertyInProvince => "poverty_in_province",
            Indicator::PovertyNearHome => "poverty_near_home",
            Indicator::Placed => "placed",
            Indicator::Trained => "trained",
            Indicator::TrainedPoverty => "trained_poverty",
            Indicator::Certified => "certified",
            Indicator::Retained6m => "retained_6m",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Indicator::TransferTotal => "农村劳动力转移就业",
            Indicator::TransferPoverty => "其中：脱贫劳动力（含监测对象）转移就业",
            Indicator::PovertyToGuangdong => "脱贫劳动力到广东就业",
            Indicator::PovertyInProvince => "脱贫劳动力省内县外就业",
            Indicator::PovertyNearHome => "脱贫劳动力县内就近就业（含帮扶车间）",
            Indicator::Placed => "通过平台组织就业",
            Indicator::Trained => "培训结业",
            Indicator::TrainedPoverty => "其中：脱贫劳动力培训结业",
            Indicator::Certified => "取得职业技能证书（按发证日期）",
            Indicator::Retained6m => "稳岗六个月（180天回访仍在岗）",
        }
    }

    /// A short label for charts.
    pub fn short_name(self) -> &'static str {
        match self {
            Indicator::TransferTotal => "转移就业",
            Indicator::TransferPoverty => "脱贫转移",
            Indicator::PovertyToGuangdong => "到广东",
            Indicator::PovertyInProvince => "省内县外",
            Indicator::PovertyNearHome => "县内就近",
            Indicator::Placed => "平台就业",
            Indicator::Trained => "培训结业",
            Indicator::TrainedPoverty => "脱贫培训",
            Indicator::Certified => "取证",
            Indicator::Retained6m => "稳岗6月",
        }
    }

    /// What it counts, in Chinese, as the assessment page and README say it.
    pub fn definition(self) -> &'static str {
        match self {
            Indicator::TransferTotal => {
                "户籍在本县、年内某时在户籍乡镇以外务工的人数：平台记录的在岗就业（岗位地点不在本乡镇），或台账填写了务工地点且为就业状态"
            }
            Indicator::TransferPoverty => "上项中的脱贫劳动力和防返贫监测对象",
            Indicator::PovertyToGuangdong => "上项中务工地在广东省（44）",
            Indicator::PovertyInProvince => "上项中务工地在本省、户籍县以外",
            Indicator::PovertyNearHome => "上项中务工地在户籍县内（含帮扶车间）",
            Indicator::Placed => "年内通过平台录用（求职申请或点对点）开始就业的人数",
            Indicator::Trained => "年内培训结业的人数",
            Indicator::TrainedPoverty => "上项中的脱贫劳动力和监测对象",
            Indicator::Certified => "年内发证（按证书发证日期，不按录入日期）的人数",
            Indicator::Retained6m => "年内开始的就业，在180天回访时确认仍在岗的人数",
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|i| i.code() == code.trim())
            .ok_or_else(|| {
                format!(
                    "指标应为以下之一：{}",
                    Self::ALL.map(|i| i.code()).join("、")
                )
            })
    }
}

/// Where a worker's job is, relative to their home, for the destination buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// 广东
    Guangdong,
    /// 东部其他省份 (and any other province outside the home one)
    OtherProvince,
    /// 省内县外
    InProvince,
    /// 县内
    InCounty,
}

impl Destination {
    /// The bucket of a workplace code for a worker whose hometown county is `home`.
    pub fn of(workplace: &str, home: &str) -> Self {
        if workplace.starts_with("44") {
            Destination::Guangdong
        } else if workplace.get(..2) != home.get(..2) {
            Destination::OtherProvince
        } else if workplace.get(..6) == home.get(..6) {
            Destination::InCounty
        } else {
            Destination::InProvince
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Destination::Guangdong => "广东",
            Destination::OtherProvince => "东部其他省份",
            Destination::InProvince => "省内县外",
            Destination::InCounty => "县内",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back() {
        for i in Indicator::ALL {
            assert_eq!(Indicator::parse(i.code()), Ok(i));
        }
        assert!(
            Indicator::parse("nope")
                .unwrap_err()
                .contains("transfer_total")
        );
    }

    #[test]
    fn destinations_always_fall_in_one_bucket() {
        assert_eq!(Destination::of("440403", "520328"), Destination::Guangdong);
        assert_eq!(
            Destination::of("330200", "520328"),
            Destination::OtherProvince
        );
        assert_eq!(Destination::of("520300", "520328"), Destination::InProvince);
        assert_eq!(Destination::of("520328", "520328"), Destination::InCounty);
        // a 福贡 worker in a 福贡 workshop is 县内, not lost
        assert_eq!(Destination::of("533323", "533323"), Destination::InCounty);
    }
}
