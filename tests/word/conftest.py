"""Fixtures for the Word export: filled workbooks of both formats, a user's draft, reading the
docx back, and rendering it with LibreOffice."""

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from gknb.workbook.contract import META

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

# LibreOffice on Linux has none of the Windows Chinese fonts; map them onto Noto CJK SC so the
# rendering (and the page count) depends only on fonts-noto-cjk, which CI installs.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  {aliases}
</fontconfig>
"""
ALIASES = {
    "仿宋": "Noto Serif CJK SC",
    "仿宋_GB2312": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
}


def soffice_missing() -> bool:
    return shutil.which("soffice") is None


@pytest.fixture
def soffice():
    """Skip when LibreOffice is missing, except in CI where its absence is a failure."""
    if soffice_missing():
        if os.environ.get("CI"):
            pytest.fail("CI 中必须安装 LibreOffice（soffice），见 .ci/run")
        pytest.skip("soffice 未安装（CI 中会安装）")
    return shutil.which("soffice")


@pytest.fixture
def render_pdfs(soffice, tmp_path_factory):
    """Render .docx files to PDF with LibreOffice in one run; the PDFs in the same order."""

    def render(docxs: list[Path]) -> list[Path]:
        work = tmp_path_factory.mktemp("render")
        conf = work / "fonts.conf"
        aliases = "\n  ".join(
            f'<alias binding="same"><family>{k}</family><prefer><family>{v}</family></prefer></alias>'
            for k, v in ALIASES.items()
        )
        conf.write_text(FONTS_CONF.format(aliases=aliases), encoding="utf-8")
        env = dict(os.environ, FONTCONFIG_FILE=str(conf), HOME=str(work))
        sources = []
        for i, docx in enumerate(docxs):
            src = work / f"report{i}.docx"
            shutil.copy(docx, src)
            sources.append(src)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env=env,
        )
        pdfs = [src.with_suffix(".pdf") for src in sources]
        for pdf in pdfs:
            assert pdf.exists(), "LibreOffice 没有生成 PDF"
        return pdfs

    return render


@pytest.fixture
def render_pdf(render_pdfs):
    def render(docx: Path) -> Path:
        return render_pdfs([docx])[0]

    return render


@pytest.fixture
def set_meta():
    """Write cover/body cells of a saved workbook by their contract name."""

    def set_(path: Path, **values) -> Path:
        from openpyxl import load_workbook

        wb = load_workbook(path)
        for name, value in values.items():
            sheet, row, col, _ = META[name]
            wb[sheet].cell(row, col).value = value
        wb.save(path)
        return path

    return set_


def document_root(docx: Path):
    with zipfile.ZipFile(docx) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


@pytest.fixture
def doc_root():
    return document_root


@pytest.fixture
def make_draft():
    """A user's draft made in python-docx: own title and text, an unrelated table in part 一,
    an outdated table 二, a note and an outdated table 三, part 四 under its long variant
    heading with no table yet, then parts 五 and 六 and the signature."""

    def make(path: Path, headings: dict[str, str] | None = None, year: int = 2025) -> Path:
        from docx import Document

        titles = {
            "一": "一、总体情况",
            "二": "二、主动公开政府信息情况",
            "三": "三、收到和处理政府信息公开申请情况",
            "四": "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "五": "五、政府信息公开工作存在的主要问题及改进情况",
            "六": "六、其他需要报告的事项",
        }
        titles.update(headings or {})
        doc = Document()
        doc.add_paragraph(f"测试局{year}年政府信息公开工作年度报告", style="Title")
        doc.add_paragraph("根据《中华人民共和国政府信息公开条例》要求，编制本报告。")
        doc.add_paragraph(titles["一"], style="Heading 1")
        doc.add_paragraph("2025年，我局认真贯彻落实条例。二是加强解读。")
        site = doc.add_table(rows=2, cols=2)
        site.cell(0, 0).text, site.cell(0, 1).text = "网站栏目", "访问量"
        site.cell(1, 0).text, site.cell(1, 1).text = "信息公开专栏", "12345"
        doc.add_paragraph("（一）主动公开情况。全年主动公开信息 100 条。")
        doc.add_paragraph(titles["二"], style="Heading 1")
        old2 = doc.add_table(rows=2, cols=2)
        old2.cell(0, 0).text = "第二十条第（一）项"
        old2.cell(1, 0).text = "旧数字 999"
        doc.add_paragraph(titles["三"], style="Heading 1")
        doc.add_paragraph("（单位：件）")
        old3 = doc.add_table(rows=2, cols=3)
        old3.cell(0, 2).text = "申请人情况"
        old3.cell(1, 0).text = "一、本年新收政府信息公开申请数量"
        old3.cell(1, 2).text = "888"
        doc.add_paragraph(titles["四"], style="Heading 1")
        doc.add_paragraph("本年度行政复议、行政诉讼情况如下表。")
        doc.add_paragraph(titles["五"], style="Heading 1")
        doc.add_paragraph("存在的主要问题：一是时效性不够强。")
        doc.add_paragraph(titles["六"], style="Heading 1")
        doc.add_paragraph("本年度未收取信息处理费。")
        doc.add_paragraph("测试局")
        doc.add_paragraph("2026年1月20日")
        doc.save(path)
        return path

    return make
