"""House style of the exported report (GB/T 9704-2012 《党政机关公文格式》) and its font names.

Sizes follow the standard and are fixed; the font names are configurable, because offices use
different font sets (仿宋 vs 仿宋_GB2312, 方正小标宋简体 vs 宋体) and Word silently substitutes a
font that is not installed. No python-docx here: the CLI imports this module to parse options.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from gknb.errors import GknbError

# Chinese type sizes in points (号数)
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body and headings
SIZE_4 = 14.0  # 四号: page numbers
SIZE_S4 = 12.0  # 小四: table 二
SIZE_5 = 10.5  # 五号: tables 三 and 四 (15 columns must fit the portrait 版心)

BODY_LINE = 28.0  # exact line spacing of the body: 22 lines fill the 225 mm 版心
TITLE_LINE = 35.0  # exact line spacing of a two-line title
INDENT_CHARS = 2  # first-line indent of body paragraphs and headings

# A4 and the margins of GB/T 9704 5.2.1 (天头 37 mm, 订口 28 mm; 版心 156 × 225 mm)
PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
# GB/T 9704 7.5: the page number sits 7 mm below the 版心. Word measures the footer distance
# from the paper edge to the bottom of the footer line, so: 35 mm - 7 mm - one 四号 line (≈5 mm).
FOOTER_MM = 23.0
HEADER_MM = 15.0
PAGE_DASH = "—"  # 一字线 on each side of the page number: "— 1 —"

CONFIG_NAME = "gknb-word.toml"  # optional, next to the workbook (the ribbon has no options)


@dataclass(frozen=True)
class WordStyle:
    """The font of each role. Every run and style of the document names one of these in all
    four font slots (ascii, hAnsi, eastAsia, cs)."""

    body: str = "仿宋"  # 正文, 三级以下标题, tables
    title: str = "方正小标宋简体"  # 标题 (GB/T 9704: 小标宋体)
    heading1: str = "黑体"  # 一级标题 一、
    heading2: str = "楷体"  # 二级标题 （一）
    page_number: str = "宋体"  # 页码 (4号半角宋体)

    def fonts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(getattr(self, f.name) for f in fields(self)))


PRESETS: dict[str, WordStyle] = {
    # the typefaces named by GB/T 9704 as most offices have them installed
    "standard": WordStyle(),
    # the older GB2312 fonts many offices still use for 仿宋 and 楷体
    "gb2312": WordStyle(body="仿宋_GB2312", heading2="楷体_GB2312"),
    # only fonts that come with Chinese Windows (方正小标宋 is not one of them)
    "windows": WordStyle(title="宋体"),
}
PRESET_HELP = (
    "standard（仿宋、方正小标宋简体）、gb2312（仿宋_GB2312、楷体_GB2312）、windows（标题用宋体）"
)

ROLE_OPTIONS = {  # WordStyle field -> CLI option
    "body": "--body-font",
    "title": "--title-font",
    "heading1": "--heading-font",
    "heading2": "--kai-font",
    "page_number": "--page-number-font",
}

# English names Windows lists in its font registry, for the missing-font check
ALT_NAMES = {
    "仿宋": "FangSong",
    "仿宋_GB2312": "FangSong_GB2312",
    "楷体": "KaiTi",
    "楷体_GB2312": "KaiTi_GB2312",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "方正小标宋简体": "FZXiaoBiaoSong-B05S",
    "方正小标宋_GBK": "FZXiaoBiaoSong-B05",
    "微软雅黑": "Microsoft YaHei",
}


def _check_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 64 or '"' in name:
        raise GknbError(f"{where}：字体名称“{name}”不对，请填写 Word 字体列表中显示的名称。")
    return name.strip()


def style_from(
    preset: str | None = None,
    overrides: dict[str, str | None] | None = None,
    config: Path | None = None,
) -> WordStyle:
    """The house style: a preset, then a config file ([fonts] preset/body/title/...), then
    explicit overrides (CLI options) win."""
    style = PRESETS["standard"]
    values: dict[str, str] = {}
    if config is not None:
        data = read_config(config)
        if "preset" in data:
            style = _preset(data.pop("preset"), str(config))
        for key, value in data.items():
            values[key] = _check_name(value, f"{config.name} 中的 {key}")
    if preset:
        style = _preset(preset, "--fonts")
    for key, value in (overrides or {}).items():
        if value:
            values[key] = _check_name(value, ROLE_OPTIONS.get(key, key))
    return replace(style, **values)


def _preset(name: Any, where: str) -> WordStyle:
    if name not in PRESETS:
        raise GknbError(f"{where}：没有名为“{name}”的字体方案，可选：{PRESET_HELP}。")
    return PRESETS[name]


def read_config(path: Path) -> dict[str, Any]:
    """The [fonts] table of a gknb-word.toml file."""
    import tomllib  # only when a config file is read: `gknb.word.cli` loads this module on every command

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise GknbError(f"找不到字体设置文件：{path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GknbError(
            f'字体设置文件 {path.name} 格式不对（{exc}）。示例：\n[fonts]\nbody = "仿宋_GB2312"\ntitle = "宋体"'
        ) from None
    fonts = data.get("fonts", {})
    if not isinstance(fonts, dict):
        raise GknbError(f"字体设置文件 {path.name} 中 [fonts] 应为一节设置。")
    known = {f.name for f in fields(WordStyle)} | {"preset"}
    unknown = sorted(set(fonts) - known)
    if unknown:
        raise GknbError(
            f"字体设置文件 {path.name} 中有不认识的项 {', '.join(unknown)}；"
            f"可用的项：{', '.join(sorted(known))}。"
        )
    return dict(fonts)


def installed_fonts() -> set[str] | None:
    """Font family names installed on Windows (where the clerk opens the report); None where
    we cannot tell, so no warning is given."""
    if sys.platform != "win32":
        return None
    import winreg

    names: set[str] = set()
    key_path = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, key_path) as key:
                i = 0
                while True:
                    try:
                        value_name = winreg.EnumValue(key, i)[0]
                    except OSError:
                        break
                    i += 1
                    label = value_name.split("(")[0]
                    names.update(p.strip() for p in label.split("&") if p.strip())
        except OSError:
            continue
    return names or None


def missing_fonts(style: WordStyle, installed: set[str] | None = None) -> list[str]:
    """Font names of the style that are not installed (empty when we cannot tell)."""
    if installed is None:
        installed = installed_fonts() if not os.environ.get("GKNB_NO_FONT_CHECK") else None
    if installed is None:
        return []
    folded = {n.casefold() for n in installed}
    missing = []
    for name in style.fonts():
        alt = ALT_NAMES.get(name, "")
        if name.casefold() not in folded and not (alt and alt.casefold() in folded):
            missing.append(name)
    return missing
