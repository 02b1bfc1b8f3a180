"""Name pools for the demo county: people, places, units, compounds.

Everything here is invented: person names are random draws from common
surnames and given-name characters (no real people), the county is the
fictional 桐川县 with the unused division code ``619926``. When a pool runs
out (large ``--scale``), :class:`UniqueNames` numbers the name (``东关二社区``)
so names stay unique.
"""

from __future__ import annotations

import random

__all__ = [
    "COUNTY",
    "DIVISION_CODE",
    "UniqueNames",
    "zh_number",
    "person_name",
    "mobile",
    "credit_code",
    "STREET_NAMES",
    "COMMUNITY_NAMES",
    "AGENCIES",
    "INSTITUTIONS",
    "SOES",
    "SOCIAL_ORGS",
    "OTHER_UNITS",
    "BRANDS",
    "INDUSTRIES",
    "COMPOUND_SUFFIXES",
    "NEEDS",
    "RESOURCES",
    "CATEGORY_OF",
]

#: The fictional county.
COUNTY = "桐川县"
#: A division code no real county uses (61 99 xx): the middle of every
#: generated credit code.
DIVISION_CODE = "619926"

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """Chinese numeral for 1..99, digits above.

    >>> zh_number(2), zh_number(10), zh_number(21), zh_number(100)
    ('二', '十', '二十一', '100')
    """
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _ZH_DIGITS[ones]
    head = "" if tens == 1 else _ZH_DIGITS[tens]
    return head + "十" + (_ZH_DIGITS[ones] if ones else "")


class UniqueNames:
    """Hands out names unique within one namespace.

    A repeated name gets a Chinese ordinal before its suffix:
    ``东关社区`` -> ``东关二社区`` (``suffix="社区"``), or after the whole name
    when no suffix is given (``鑫源物业服务有限公司(二)``).
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, name: str, suffix: str = "") -> str:
        """The first free form of ``name``."""
        if name not in self._used:
            self._used.add(name)
            return name
        stem = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
        k = 2
        while True:
            cand = f"{stem}{zh_number(k)}{suffix}" if suffix and name.endswith(suffix) \
                else f"{name}({zh_number(k)})"
            if cand not in self._used:
                self._used.add(cand)
                return cand
            k += 1

    def __contains__(self, name: str) -> bool:
        return name in self._used


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

#: Common surnames, roughly in order of frequency (first ones drawn more).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐"
)
_SURNAME_WEIGHTS = [1.0 / (1 + i / 12) for i in range(len(SURNAMES))]
_SURNAME_CUM = []
_acc = 0.0
for _w in _SURNAME_WEIGHTS:
    _acc += _w
    _SURNAME_CUM.append(_acc)

GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞波宁健俊峰建国文浩宇志新海东亮晨博瑞凯永春林成兵光荣德"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲红梅琳婷雪慧莉萍颖倩洁丹晶蓉瑶佳欣悦璐宁薇岚琴秀英兰凤"
GIVEN_ANY = "子晓文嘉思雨一天少建小海新永晓云立振学志跃国金玉春秋"


def person_name(rng: random.Random) -> str:
    """A plausible invented name: surname + one or two given-name characters."""
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
    pool = GIVEN_MALE if rng.random() < 0.55 else GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    first = rng.choice(GIVEN_ANY) if rng.random() < 0.4 else rng.choice(pool)
    second = rng.choice(pool)
    return surname + first + second


_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 193 198 199"
).split()


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number ``1[3-9]x xxxx xxxx``."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015), with its check characters
# ---------------------------------------------------------------------------

_CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: registration authority + category by unit kind (机关 11, 事业单位 12,
#: 社会团体 51, 企业 91, 律师事务所 31).
CREDIT_PREFIX = {
    "agency": "11",
    "institution": "12",
    "soe": "91",
    "private": "91",
    "property": "91",
    "social": "51",
    "other": "31",
}


def _org_code(body: str) -> str:
    """The 9-character organization code (GB 11714): 8 digits + check."""
    s = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS))
    c9 = 11 - s % 11
    return body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def credit_code(prefix: str, body8: str) -> str:
    """An 18-character 统一社会信用代码 with valid check characters.

    >>> credit_code("91", "12345678")
    '91619926123456788T'
    """
    code17 = prefix + DIVISION_CODE + _org_code(body8)
    s = sum(_CC_CHARS.index(c) * w for c, w in zip(code17, _CC_WEIGHTS))
    c18 = (31 - s % 31) % 31
    return code17 + _CC_CHARS[c18]


# ---------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------

STREET_NAMES = (
    "城关街道", "东城街道", "西城街道", "南城街道", "北城街道", "新城街道",
    "河西街道", "滨河街道", "凤凰街道", "站前街道", "龙泉街道", "桐林街道",
)

COMMUNITY_NAMES = (
    "东关社区", "西关社区", "南关社区", "北关社区", "东街社区", "西街社区",
    "南街社区", "北街社区", "新华社区", "人民路社区", "解放路社区", "建设路社区",
    "和平社区", "幸福社区", "文化路社区", "胜利社区", "朝阳社区", "向阳社区",
    "红旗社区", "光明社区", "团结社区", "友谊社区", "民主路社区", "中山路社区",
    "滨河社区", "河畔社区", "凤凰社区", "金桥社区", "锦绣社区", "育才社区",
    "桃园社区", "杏林社区", "枣园社区", "柳湾社区", "石桥社区", "东坝社区",
    "西苑社区", "北苑社区", "南苑社区", "城东社区", "城西社区", "城南社区",
    "城北社区", "新村社区", "电厂社区", "车站社区", "园艺社区", "丰收社区",
    "龙泉社区", "玉泉社区", "书院社区", "鼓楼社区", "钟楼社区", "府前社区",
    "学府社区", "康乐社区", "安居社区", "兴隆社区", "永安社区", "长青社区",
)
#: Extra community stems for large scales: 东苑, 金湾, 瑞园 ...
_COMMUNITY_HEADS = "东西南北新金银康安和福瑞兴丰春秀华云祥泰"
_COMMUNITY_TAILS = "苑园城桥湾坪川塬庄林坊门台岭湖"

STREET_OFFICES = ("派出所", "司法所", "市场监督管理所", "财政所", "社区卫生服务中心")

# (name without county prefix, size: 3 = party committee, 2 = general branch, 1 = branch)
AGENCIES = (
    ("委组织部", 1), ("委宣传部", 1), ("委统战部", 1), ("纪委监委", 2), ("政府办公室", 2),
    ("发展和改革局", 1), ("教育局", 3), ("公安局", 3), ("民政局", 1), ("司法局", 1),
    ("财政局", 2), ("人力资源和社会保障局", 2), ("自然资源局", 2), ("住房和城乡建设局", 2),
    ("交通运输局", 2), ("水利局", 1), ("农业农村局", 2), ("商务局", 1), ("文化和旅游局", 1),
    ("卫生健康局", 2), ("退役军人事务局", 1), ("应急管理局", 1), ("审计局", 1),
    ("市场监督管理局", 2), ("统计局", 1), ("医疗保障局", 1), ("林业局", 1),
    ("城市管理局", 2), ("信访局", 1), ("税务局", 3), ("人民法院", 3), ("人民检察院", 3),
    ("总工会", 1), ("妇女联合会", 1), ("科学技术协会", 1), ("残疾人联合会", 1),
    ("消防救援大队", 1), ("气象局", 1), ("档案馆", 1), ("行政审批服务局", 1),
)

INSTITUTIONS = (
    ("人民医院", 3), ("中医医院", 3), ("妇幼保健院", 2), ("疾病预防控制中心", 2),
    ("第一中学", 3), ("第二中学", 3), ("第三中学", 2), ("职业中等专业学校", 2),
    ("实验小学", 2), ("城关第一小学", 2), ("城关第二小学", 1), ("城关第三小学", 1),
    ("城关第四小学", 1), ("城关第一幼儿园", 1), ("城关第二幼儿园", 1), ("图书馆", 1),
    ("文化馆", 1), ("博物馆", 1), ("融媒体中心", 2), ("社会福利院", 1),
    ("不动产登记中心", 1), ("政务服务中心", 1), ("公共就业服务中心", 1),
    ("特殊教育学校", 1), ("青少年活动中心", 1), ("住房公积金管理中心", 1),
    ("城关第五小学", 1), ("城关第三幼儿园", 1), ("体育运动中心", 1), ("急救中心", 1),
)

SOES = (
    ("国网{c}供电公司", 3), ("{c}自来水有限责任公司", 1), ("{c}城市建设投资有限公司", 2),
    ("中国邮政集团有限公司{c}分公司", 1), ("中国工商银行{c}支行", 1),
    ("中国农业银行{c}支行", 2), ("中国银行{c}支行", 1), ("中国建设银行{c}支行", 1),
    ("中国移动通信集团{c}分公司", 1), ("中国联合网络通信有限公司{c}分公司", 1),
    ("中国电信股份有限公司{c}分公司", 1), ("中国石油{c}销售分公司", 1),
    ("{c}公共交通有限公司", 1), ("{c}热力有限公司", 1), ("{c}天然气有限公司", 1),
    ("中国人寿保险股份有限公司{c}支公司", 1), ("{c}粮食储备库", 1),
    ("{c}农村商业银行", 2), ("{c}新华书店有限公司", 1), ("{c}国有资产投资经营有限公司", 1),
)

SOCIAL_ORGS = (
    "个体劳动者协会", "老年人体育协会", "慈善协会", "书法家协会", "义工联合会",
    "律师协会", "青年志愿者协会", "摄影家协会", "民营企业商会", "餐饮行业协会",
    "物业管理协会", "爱心助学协会", "红十字志愿服务队", "家庭教育促进会", "退役军人服务协会",
    "社会工作服务中心", "心理咨询师协会", "养老服务协会", "作家协会", "乡贤联谊会",
)

OTHER_UNITS = (
    "{b}律师事务所", "{b}会计师事务所", "{b}税务师事务所", "{b}诊所", "{b}民办幼儿园",
    "{b}培训学校", "{b}养老院", "{b}农民专业合作社",
)

#: Two characters of a company's trade name: 鑫源, 宏达 ...
BRAND_HEADS = "鑫宏恒华瑞金永鼎润德嘉万天盛博昊众佳顺兴泰汇联新宇隆腾祥和富康"
BRAND_TAILS = "源达通盛丰穗昌泽禾诚远天信安邦业辉发利鸿晟宸阳翔成泰和荣"
BRANDS = tuple(h + t for h in BRAND_HEADS for t in BRAND_TAILS if h != t)

INDUSTRIES = (
    "建筑工程有限公司", "商贸有限公司", "餐饮管理有限公司", "汽车销售服务有限公司",
    "农业科技有限公司", "食品有限公司", "建材有限公司", "物流有限公司",
    "医药连锁有限公司", "电子科技有限公司", "文化传媒有限公司", "酒店管理有限公司",
    "家政服务有限公司", "装饰工程有限公司", "网络科技有限公司", "房地产开发有限公司",
    "印务有限公司", "服饰有限公司", "超市有限公司", "机械制造有限公司",
)

PROPERTY_SUFFIXES = ("物业服务有限公司", "物业管理有限公司")

COMPOUND_SUFFIXES = ("小区", "花园", "家园", "苑", "新村", "佳苑", "华府", "嘉园", "名城", "雅居")

#: 需求清单: what a community asks for.
NEEDS = (
    "老旧小区楼道照明改造", "独居老人助餐服务", "四点半课堂辅导志愿者", "社区义诊",
    "小区停车秩序整治", "垃圾分类宣传引导", "法律咨询进社区", "背街小巷环境整治",
    "困难群众冬季取暖帮扶", "防汛物资储备", "青少年暑期托管", "心理健康讲座",
    "小区监控设施更新", "残疾人康复辅助", "反诈宣传", "适老化改造",
    "社区文化广场修缮", "就业技能培训", "电动车集中充电设施", "居民健康档案更新",
)

#: 资源清单 by unit kind: what a resident unit can offer.
RESOURCES = {
    "agency": ("政策宣讲", "法律顾问服务", "志愿服务队", "业务专家咨询", "办公场地共享"),
    "institution": ("义诊医疗队", "课后辅导教师志愿者", "图书流动服务", "健康讲座", "文化活动场地"),
    "soe": ("金融知识宣讲", "用电安全检查", "管网维修服务", "助学资金", "志愿服务队"),
    "private": ("维修施工队伍", "爱心捐赠物资", "就业岗位", "场地设备支持", "助餐服务"),
    "social": ("志愿者招募", "心理疏导服务", "助老助残服务", "文体活动组织", "公益资金"),
    "property": ("物业维修服务", "小区安保巡逻", "保洁绿化支持", "停车管理", "应急物资"),
    "other": ("法律咨询", "财税咨询", "技能培训", "义诊服务", "托育服务"),
}


def community_stems(n: int) -> list[str]:
    """``n`` community names, the pool first, then invented stems
    (``东苑社区``); numbering beyond that is left to :class:`UniqueNames`."""
    names = list(COMMUNITY_NAMES)
    for h in _COMMUNITY_HEADS:
        for t in _COMMUNITY_TAILS:
            if len(names) >= n:
                return names[:n]
            names.append(f"{h}{t}社区")
    return [names[i % len(names)] for i in range(n)]


#: 需求/资源类型 of the titles above (the demo's category column).
CATEGORY_OF = {
    "老旧小区楼道照明改造": "funds", "独居老人助餐服务": "care", "四点半课堂辅导志愿者": "education",
    "社区义诊": "health", "小区停车秩序整治": "volunteers", "垃圾分类宣传引导": "volunteers",
    "法律咨询进社区": "legal", "背街小巷环境整治": "volunteers", "困难群众冬季取暖帮扶": "funds",
    "防汛物资储备": "funds", "青少年暑期托管": "care", "心理健康讲座": "health",
    "小区监控设施更新": "funds", "残疾人康复辅助": "health", "反诈宣传": "legal",
    "适老化改造": "care", "社区文化广场修缮": "venue", "就业技能培训": "jobs",
    "电动车集中充电设施": "funds", "居民健康档案更新": "health",
    "政策宣讲": "education", "法律顾问服务": "legal", "志愿服务队": "volunteers",
    "业务专家咨询": "other", "办公场地共享": "venue", "义诊医疗队": "health",
    "课后辅导教师志愿者": "education", "图书流动服务": "culture", "健康讲座": "health",
    "文化活动场地": "venue", "金融知识宣讲": "education", "用电安全检查": "other",
    "管网维修服务": "other", "助学资金": "funds", "维修施工队伍": "other", "爱心捐赠物资": "funds",
    "就业岗位": "jobs", "场地设备支持": "venue", "助餐服务": "care", "志愿者招募": "volunteers",
    "心理疏导服务": "health", "助老助残服务": "care", "文体活动组织": "culture", "公益资金": "funds",
    "物业维修服务": "other", "小区安保巡逻": "volunteers", "保洁绿化支持": "volunteers",
    "停车管理": "other", "应急物资": "funds", "法律咨询": "legal", "财税咨询": "other",
    "技能培训": "jobs", "义诊服务": "health", "托育服务": "care",
}
