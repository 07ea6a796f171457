"""Ethnic-group codes of GB/T 3304-1991 (中国各民族名称的罗马字母拼写法和代码), as a second-generation
ID card stores them: two digits in the text block, printed on the card as the name without 族.

``name(code)`` returns the name with the 族 suffix ("01" -> "汉族"), the form used on forms and
certificates; 97 and 98 are not ethnic groups and keep their own wording. An unknown code does not
fail a card read: it comes back as "未知民族（NN）" (an empty one as "未知民族") so the desk can still
take the card.
"""

from __future__ import annotations

# Codes 01-56, in the order the standard assigns them.
_GROUPS = (
    "汉",  # 01
    "蒙古",  # 02
    "回",  # 03
    "藏",  # 04
    "维吾尔",  # 05
    "苗",  # 06
    "彝",  # 07
    "壮",  # 08
    "布依",  # 09
    "朝鲜",  # 10
    "满",  # 11
    "侗",  # 12
    "瑶",  # 13
    "白",  # 14
    "土家",  # 15
    "哈尼",  # 16
    "哈萨克",  # 17
    "傣",  # 18
    "黎",  # 19
    "傈僳",  # 20
    "佤",  # 21
    "畲",  # 22
    "高山",  # 23
    "拉祜",  # 24
    "水",  # 25
    "东乡",  # 26
    "纳西",  # 27
    "景颇",  # 28
    "柯尔克孜",  # 29
    "土",  # 30
    "达斡尔",  # 31
    "仫佬",  # 32
    "羌",  # 33
    "布朗",  # 34
    "撒拉",  # 35
    "毛南",  # 36
    "仡佬",  # 37
    "锡伯",  # 38
    "阿昌",  # 39
    "普米",  # 40
    "塔吉克",  # 41
    "怒",  # 42
    "乌孜别克",  # 43
    "俄罗斯",  # 44
    "鄂温克",  # 45
    "德昂",  # 46
    "保安",  # 47
    "裕固",  # 48
    "京",  # 49
    "塔塔尔",  # 50
    "独龙",  # 51
    "鄂伦春",  # 52
    "赫哲",  # 53
    "门巴",  # 54
    "珞巴",  # 55
    "基诺",  # 56
)

ETHNICITIES: dict[str, str] = {f"{i:02d}": f"{group}族" for i, group in enumerate(_GROUPS, start=1)}
ETHNICITIES["97"] = "其他"
ETHNICITIES["98"] = "外国血统中国籍人士"

UNKNOWN_FORMAT = "未知民族（{code}）"


def name(code: str) -> str:
    """The name for a code as read from a card ("1", "01" and " 01" all mean 汉族); an unknown or
    unreadable code gives "未知民族（code）" instead of an error."""
    cleaned = code.strip().strip("\x00").strip()
    if not cleaned:
        return "未知民族"
    key = cleaned.zfill(2) if cleaned.isascii() and cleaned.isdigit() else cleaned
    return ETHNICITIES.get(key, UNKNOWN_FORMAT.format(code=cleaned))


def code_of(ethnicity: str) -> str | None:
    """The reverse lookup ("汉族" or "汉" -> "01"), or None when the name is not in the table."""
    wanted = ethnicity.strip()
    for code, full in ETHNICITIES.items():
        if wanted in (full, full.removesuffix("族")):
            return code
    return None
