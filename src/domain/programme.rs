//! Guangdong's skills programmes (培训工程) whose certificates count in matching.

use serde::Serialize;

/// One of the four programmes, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Programme {
    #[serde(rename = "cantonese-chef")]
    CantoneseChef,
    #[serde(rename = "guangdong-technician")]
    GuangdongTechnician,
    #[serde(rename = "nanyue-housekeeping")]
    NanyueHousekeeping,
    #[serde(rename = "rural-craftsman")]
    RuralCraftsman,
}

impl Programme {
    pub const ALL: [Programme; 4] = [
        Programme::CantoneseChef,
        Programme::GuangdongTechnician,
        Programme::NanyueHousekeeping,
        Programme::RuralCraftsman,
    ];

    pub fn parse(code: &str) -> Result<Self, &'static str> {
        let code = code.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code || p.name() == code)
            .ok_or("培训工程应为粤菜师傅、广东技工、南粤家政或乡村工匠")
    }

    pub fn code(self) -> &'static str {
        match self {
            Programme::CantoneseChef => "cantonese-chef",
            Programme::GuangdongTechnician => "guangdong-technician",
            Programme::NanyueHousekeeping => "nanyue-housekeeping",
            Programme::RuralCraftsman => "rural-craftsman",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Programme::CantoneseChef => "粤菜师傅",
            Programme::GuangdongTechnician => "广东技工",
            Programme::NanyueHousekeeping => "南粤家政",
            Programme::RuralCraftsman => "乡村工匠",
        }
    }

    /// The occupations the programme commonly trains for.
    pub fn occupations(self) -> &'static [&'static str] {
        match self {
            Programme::CantoneseChef => &["中式烹调师", "中式面点师", "西式面点师", "餐厅服务员"],
            Programme::GuangdongTechnician => &[
                "电工",
                "焊工",
                "数控车工",
                "汽车维修工",
                "叉车司机",
                "电子设备装接工",
                "钳工",
                "美容美发师",
            ],
            Programme::NanyueHousekeeping => &[
                "育婴员",
                "养老护理员",
                "家政服务员",
                "母婴护理员",
                "保育员",
                "医疗护理员",
            ],
            Programme::RuralCraftsman => &["农村建筑工匠", "竹编", "茶叶加工", "木工", "泥瓦工"],
        }
    }

    /// Name of a programme code stored in the database, the code itself when unknown.
    pub fn label_of(code: &str) -> String {
        Self::parse(code).map_or_else(|_| code.to_owned(), |p| p.name().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_programme_is_named_in_chinese() {
        let e = Programme::parse("chef").unwrap_err();
        assert!(e.contains("粤菜师傅") && e.contains("乡村工匠"), "{e}");
        assert!(!e.contains("cantonese-chef"));
        assert_eq!(
            Programme::parse("南粤家政"),
            Ok(Programme::NanyueHousekeeping)
        );
    }
}
