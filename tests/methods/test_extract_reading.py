"""methods.extract.reading (issue 17): each cleaning step on a small fixture, the structure,
the offsets back into the original, .docx with tables, PDF with and without a text layer, and
the bad inputs (empty, English, a big text)."""

import io
import re
from pathlib import Path

import pytest

from deltawatch.methods.extract import ExtractError, read
from deltawatch.methods.extract.reading import CJK, split_sentences

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "intake" / "dev"


def span_text(doc, start, end):
    """The original text under a span of the cleaned text."""
    a, b = doc.original_span(start, end - 1)
    return doc.original[a:b + 1]


# --- artefacts -----------------------------------------------------------------------------

def test_pinyin_after_characters_is_removed_and_offsets_point_into_the_original():
    doc = read("推进一(yī)体(tǐ)化发展，生(shēng)态优先。")
    assert doc.text == "推进一体化发展，生态优先。"
    assert any("拼音" in note and "3" in note for note in doc.notes)
    start = doc.text.index("体化")
    assert doc.original[doc.offsets[start]] == "体"
    assert doc.offsets[start] == doc.original.index("体(")
    assert doc.offsets[len(doc.text)] == len(doc.original)


def test_brackets_that_are_not_pinyin_stay():
    doc = read("细颗粒物(PM2.5)平均浓度，扩大(含新能源)投资，方案(a1)。")
    assert "(PM2.5)" in doc.text and "(含新能源)" in doc.text and "(a1)" in doc.text


def test_zero_width_and_bom_are_removed():
    doc = read("\ufeff研发\u200b投入\u200d强度达到3%。")
    assert doc.text == "研发投入强度达到3%。"
    assert any("零宽" in note for note in doc.notes)
    assert doc.original[doc.offsets[doc.text.index("投")]] == "投"


def test_full_width_digits_letters_and_percent_become_ascii():
    doc = read("５Ｇ网络覆盖率达到８５％，比值２：１，增长６．５％，收入比1.9∶1。")
    assert doc.text == "5G网络覆盖率达到85%，比值2:1，增长6.5%，收入比1.9:1。"
    assert len(doc.text) == len(doc.original)          # one for one: offsets unchanged
    assert list(doc.offsets) == list(range(len(doc.original) + 1))


def test_traditional_characters_become_simplified_and_the_original_is_kept():
    doc = read("區域一體化發展規劃綱要，鐵路網密度達到550公裏/萬平方公裏。")
    assert doc.converted is True
    assert doc.text == "区域一体化发展规划纲要，铁路网密度达到550公里/万平方公里。"
    assert doc.original.startswith("區域一體化")
    assert any("繁体" in note for note in doc.notes)


def test_simplified_text_is_not_converted():
    doc = read("区域一体化发展规划纲要，铁路网密度达到550公里/万平方公里。")
    assert doc.converted is False
    assert not any("繁体" in note for note in doc.notes)


def test_web_headers_and_footers_are_removed():
    page = "\n".join([  # noqa: FLY002 (one line of the page per line here)
        "首页 机构概况 政务公开 新闻中心 互动交流",
        "发布时间：2024-03-01 来源：市发展改革委",
        "【字体：大 中 小】",
        "关于印发行动方案的通知",
        "到2025年，全市常住人口城镇化率达到75%。",
        "分享到：",
        "[打印本页] [关闭窗口]",
        "责任编辑：张三",
        "版权所有：某某市人民政府 苏ICP备12345678号",
        "技术支持：某某网络",
    ])
    doc = read(page)
    assert doc.text.strip().splitlines() == ["关于印发行动方案的通知", "到2025年，全市常住人口城镇化率达到75%。"]
    assert any("页眉页脚" in note for note in doc.notes)


def test_a_menu_of_short_lines_at_the_top_and_a_repeated_title_are_removed():
    page = "区域合作\n一带一路\n长三角一体化\n对口合作\n\n江苏实施方案\n\n江苏实施方案\n\n正文第一句话，内容很多。\n"
    doc = read(page)
    assert doc.text.split() == ["江苏实施方案", "正文第一句话，内容很多。"]


def test_a_line_break_inside_a_sentence_is_joined_but_not_after_a_title():
    page = ("推动长三角一体化发展取得新的重大突破,总书记作出重要部署\n\n"
            "会议指出,要共同育新机开新局、更好服务国家大局。统筹推\n\n进疫情防控和经济社会发展工作。\n"
            "一、总体要求\n坚持新发展理念。\n")
    doc = read(page)
    assert "统筹推进疫情防控" in doc.text
    assert "重要部署\n\n会议指出" in doc.text                 # a title ends its line
    assert "一、总体要求\n坚持" in doc.text                   # a heading ends its line
    assert any("断行" in note and "1" in note for note in doc.notes)


def test_a_subscript_marker_is_removed():
    assert read("细颗粒物(PM_2.5)平均浓度下降。").text == "细颗粒物(PM2.5)平均浓度下降。"


# --- structure -----------------------------------------------------------------------------

def test_headings_become_sections_with_paths():
    text = ("第一章 总体要求\n一、发展目标\n（三）主要指标\n3. 创新\n研发投入强度达到3%。\n(1)细项\n细项内容。\n"
            "二、重点任务\n1、建设平台\n平台内容。\n")
    doc = read(text)
    paths = [s.path for s in doc.sections]
    assert paths == ["第一章", "第一章一", "第一章一(三)", "第一章一(三)3.", "第一章一(三)3.(1)",
                     "第一章二", "第一章二1、"]
    assert [s.level for s in doc.sections] == [1, 2, 3, 4, 5, 2, 4]
    by_path = {s.path: s for s in doc.sections}
    assert by_path["第一章一(三)"].title == "主要指标"
    position = doc.text.index("研发投入")
    assert doc.location(position) == "第一章一(三)3."
    sentence = next(s for s in doc.sentences if s.text.startswith("研发"))
    assert sentence.location == "第一章一(三)3."
    # a section ends where the next of its level or above begins
    assert by_path["第一章一"].end == by_path["第一章二"].start


def test_sentences_split_at_full_stops_semicolons_and_heading_line_ends():
    doc = read("一、目标\n地区生产总值增长6%左右；城镇新增就业12万人。居民收入同步增长！\n")
    assert [s.text for s in doc.sentences] == ["一、目标", "地区生产总值增长6%左右；", "城镇新增就业12万人。",
                                               "居民收入同步增长！"]
    for sentence in doc.sentences:
        assert doc.text[sentence.start:sentence.end] == sentence.text
    assert split_sentences(doc) == doc.sentences


def test_table_of_contents_headings_are_not_sections():
    doc = read("目 录\n一、总体要求\n二、重点任务\n前言内容很长。\n一、总体要求\n正文。\n二、重点任务\n正文。\n")
    assert [s.path for s in doc.sections] == ["一", "二"]
    assert doc.sections[0].start == doc.text.index("一、总体要求\n正文")


def test_seed_001_first_lines_cleaned():
    doc = read(DEV / "seed001.txt")
    assert doc.name == "seed001.txt" and doc.converted
    assert doc.text.startswith("全文发布!《长江三角洲区域一体化发展规划纲要》江苏实施方案\n")
    assert doc.text.count("全文发布!") == 1                    # the repeated title is gone
    assert "(yī)" not in doc.text and "Copyright" not in doc.text and "技术支持" not in doc.text
    assert "全省城乡居民收入差距缩小到2:1左右" in doc.text
    assert "细颗粒物(PM2.5)平均浓度" in doc.text
    section = next(s for s in doc.sections if s.path == "一(三)")
    assert section.title == "确立发展目标"
    start = doc.text.index("城乡区域协调发展格局基本形成")
    assert doc.location(start) == "一(三)"
    assert span_text(doc, start, start + 6) == "城鄉區域協調"
    assert [s.path for s in doc.sections][:4] == ["一", "一(一)", "一(二)", "一(三)"]


# --- formats and bad input -------------------------------------------------------------------

def test_docx_paragraphs_and_tables():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、主要指标")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "单位", "2025年"], ["常住人口城镇化率", "%", "75"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、保障措施")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read(buffer.getvalue(), name="plan.docx")
    assert doc.source_format == "docx"
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == [["指标", "单位", "2025年"], ["常住人口城镇化率", "%", "75"]]
    assert doc.tables[0].location == "一"
    assert doc.text[doc.tables[0].start:doc.tables[0].end] == "指标\t单位\t2025年\n常住人口城镇化率\t%\t75\n"
    assert "二、保障措施" in doc.text


def test_docx_from_a_path(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("到2025年，研发投入强度达到3%以上。")
    path = tmp_path / "plan.docx"
    document.save(path)
    doc = read(path)
    assert doc.name == "plan.docx" and doc.text.strip() == "到2025年，研发投入强度达到3%以上。"


def test_text_pdf_is_read():
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(string="<p>一、发展目标</p><p>到2025年，常住人口城镇化率达到75%。</p>").write_pdf()
    doc = read(pdf)
    assert doc.source_format == "pdf"
    assert "到2025年，常住人口城镇化率达到75%。" in doc.text


def _blank_pdf() -> bytes:
    """A one-page PDF with no text on it (what a scan without recognition looks like)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length 21 >>\nstream\n0 0 m 100 100 l S\nendstream"]
    out = b"%PDF-1.4\n"
    positions = []
    for number, body in enumerate(objects, start=1):
        positions.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % p for p in positions)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_scanned_pdf_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_blank_pdf())
    with pytest.raises(ExtractError) as error:
        read(path)
    assert str(error.value) == "扫描件：没有可读取的文字层（请先做文字识别）"
    assert "OCR" in error.value.english


def test_empty_file_says_so(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="文件为空"):
        read(path)
    with pytest.raises(ExtractError, match="文件为空"):
        read(b"  \n\t ")


def test_a_binary_file_named_txt_is_refused_in_words(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 40)               # (every byte value: an image or archive)
    with pytest.raises(ExtractError, match="文件内容不是文字") as error:
        read(path)
    assert "not text" in error.value.english
    text = "到2025年，常住人口城镇化率达到75%。\x0c第二页\t表格\r\n" * 50   # (a form feed and tabs are text)
    assert read(text.encode("utf-8")).text


def test_gb18030_text_is_decoded():
    doc = read("到2025年，常住人口城镇化率达到75%。城乡居民收入差距缩小。".encode("gb18030") * 20)
    assert doc.text.startswith("到2025年，常住人口城镇化率达到75%。")


def test_english_document_reads_with_a_note():
    doc = read("The plan aims to raise the urbanisation rate to 75% by 2025.\nSecond line of text.\n")
    assert doc.text.startswith("The plan aims")
    assert any("不是中文" in note for note in doc.notes)


def test_big_text_reads_linearly():
    """20 MB of text (a 50 MB one is in benchmarks/bench_intake.py): no quadratic step."""
    block = "一、发展目标\n到2025年，常住人口城镇化率达到75%，研发投入强度达到3%以上。\n" * 10
    text = block * (20_000_000 // len(block.encode()))
    doc = read(text.encode())
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets[len(doc.text)] == len(doc.original)
    assert len(doc.sections) == text.count("一、发展目标")


# --- scraped tables with one cell per line ---------------------------------------------------

def test_a_table_with_one_cell_per_line_is_rebuilt_by_its_serial_numbers():
    cells = ["主要指标", "序号 |", "指 标 |", "单位 |", "“十四五”目标 |", "|", "2025年 |", "年均[累计] |", "||||",
             "1 |", "地区生产总值增长率 |", "% |", "- |", "5左右 |",
             "2 |", "全员劳动生产率 |", "万元/人 |", "36左右 |", "- |",
             "3 |", "森林覆盖率 |", "% |", "19.5 |", "- |", "注：[]内为五年累计数。"]
    doc = read("\n".join(cells) + "\n")
    # the cell lines are not taken for a menu of the page, nor joined to the title above
    assert "序号 |\n指 标 |" in doc.text and doc.text.startswith("主要指标\n")
    tables = [t for t in doc.tables if getattr(t, "row_spans", None)]
    assert len(tables) == 1
    table = tables[0]
    # a two-level header flattened: “十四五”目标 stands over 2025年 and 年均[累计]
    assert table.rows[0] == ["序号", "指 标", "单位", "“十四五”目标/2025年", "“十四五”目标/年均[累计]"]
    assert table.rows[1:] == [["1", "地区生产总值增长率", "%", "-", "5左右"],
                              ["2", "全员劳动生产率", "万元/人", "36左右", "-"],
                              ["3", "森林覆盖率", "%", "19.5", "-"]]
    start, end = table.row_spans[1]
    assert doc.text[start:end] == "2 |\n全员劳动生产率 |\n万元/人 |\n36左右 |\n- |"


def test_a_category_column_of_a_cell_per_line_table_is_dropped():
    cells = ["类别", "序号", "指标", "2020年", "2025年", "属性", "经济", "1", "城镇化率(%)", "73.4", "76", "预期性",
             "2", "研发投入强度(%)", "2.9", "3.2", "预期性", "生态", "3", "森林覆盖率(%)", "20", "21", "约束性"]
    doc = read("\n".join(c + " |" for c in cells) + "\n")
    table = next(t for t in doc.tables if getattr(t, "row_spans", None))
    assert table.rows[0] == ["序号", "指标", "2020年", "2025年", "属性"]
    assert [row[1] for row in table.rows[1:]] == ["城镇化率(%)", "研发投入强度(%)", "森林覆盖率(%)"]


def test_a_menu_line_with_several_bars_is_still_navigation():
    doc = read("首页 | 新闻 | 政务 | 服务 |\n\n到2025年，研发投入强度达到3%以上。\n")
    assert "首页" not in doc.text


# --- dev3 rules: PDF text and news pages (page numbers, spaces, "." for 。) ----------------

def test_pdf_page_numbers_between_words_are_removed():
    doc = read("单位生产总值二氧化碳排放比2005年下降 —2— 70%,确保实现碳达峰。\n")
    assert "—2—" not in doc.text and "下降70%" in doc.text
    assert any("页码" in note for note in doc.notes)
    # a range written with a dash and no spaces round it stays
    assert "7%—7.5%" in read("地区生产总值增长7%—7.5%,城镇新增就业110万人。\n").text


def test_spaces_in_running_text_are_removed_but_not_between_numbers_or_in_tables():
    doc = read("今年主要预期目标:地区生产总值增长 5% 以上,城镇新增就业 120 万人以上,重大战 略决策。\n")
    assert "增长5%以上" in doc.text and "120万人以上" in doc.text and "重大战略决策" in doc.text
    assert doc.original[doc.offsets[doc.text.index("5%以上")]] == "5"        # offsets still point home
    assert "2 3" in read("编号为 2 3 的两个项目,已经完成了验收工作。\n").text   # two numbers stay apart
    table = read("指标 2020年 2025年\n地区生产总值 3.9 6左右\n")
    assert "地区生产总值 3.9 6左右" in table.text                            # cells split by spaces


def test_an_ascii_full_stop_after_a_chinese_character_ends_a_sentence():
    doc = read("绿色低碳循环发展政策体系初步建立.到2025年,非化石能源比重达到20%.附件:方案.pdf\n一.主要目标\n")
    texts = [s.text for s in doc.sentences]
    assert "到2025年,非化石能源比重达到20%." in texts
    assert "附件:方案.pdf" in texts                      # not before a letter
    assert any(t.startswith("一.主要目标") for t in texts)  # not after a heading numeral


def test_an_accessibility_bar_a_breadcrumb_and_the_index_lines_of_a_government_page_are_removed():
    doc = read("正文内容区域请使用tab按钮切换浏览\n• 无障碍浏览\n您现在所在的位置: 网站首页> 政府信息公开\n"
               "索引号: 11341700003244967K/202012-00140 组配分类: 年度重点工作\n"
               "普陀区2021年计划执行情况\n到2025年，全区生产总值增长6%。\n")
    assert doc.text.lstrip().startswith("普陀区2021年计划执行情况")
    assert "到2025年，全区生产总值增长6%。" in doc.text


def test_a_table_header_of_words_parted_by_spaces_is_kept_with_its_rows_serials():
    page = ("首页 新闻 政务公开 互动交流\n怀远县2021年度政府重点工作任务第一季度完成情况汇总表\n"
            "序号 目标任务 牵头县领导 牵头责任单位 一季度完成情况\n1 地区生产总值增长9%以上。 路 军 发展改革委 数据上报中\n")
    lines = read(page).text.strip().splitlines()
    assert lines[0] == "怀远县2021年度政府重点工作任务第一季度完成情况汇总表"   # the menu goes, not the header
    assert lines[1] == "序号 目标任务 牵头县领导 牵头责任单位 一季度完成情况"      # nor joined to the title
    assert lines[2].startswith("1 地区生产总值增长9%以上。")                 # the serial stays apart


def test_every_reading_note_has_its_english():
    from deltawatch.methods.extract import note_in
    from deltawatch.methods.extract.reading import NOTES_EN

    page = ("首页 新闻 政务公开 互动交流\n發(fā)展目標：到二〇二五年，ＧＤＰ增長５％左右，\n\n人口达到1，200万人。PM_2.5浓度下降\u200b。\n"
            "— 2 —\n上海市普陀区 2025 年实事项目，共计 10 项。\n")
    doc = read(page)
    assert len(doc.notes) >= 8
    for note in doc.notes:
        english = note_in(note, "en")
        assert english != note and not re.search(f"[{CJK}]{{3}}", english.replace("二〇二五年", "")), note
        assert note_in(note, "zh-hans") == note
    # each template turns its own count (多 too) into English
    for chinese, english in NOTES_EN.items():
        assert note_in(chinese.format(n=7), "en") == english.format(n=7)
    assert note_in("删除字后插入的拼音 多 处", "en") == "pinyin inserted after characters, removed: many"
    assert note_in("一条未知的说明", "en") == "一条未知的说明"


def test_a_markdown_tables_rule_line_is_no_row():
    from deltawatch.methods.extract.reading import inline_pipe_tables

    text = "| 指标 | 2020年 | 2025年 |\n| --- | ---: | ---: |\n| 常住人口城镇化率(%) | 70 | 75 |\n| 研发经费投入强度(%) | 2.5 | 3 |\n"
    (table,) = inline_pipe_tables(read(text))
    assert table.rows == [["指标", "2020年", "2025年"], ["常住人口城镇化率(%)", "70", "75"], ["研发经费投入强度(%)", "2.5", "3"]]
    assert len(table.row_spans) == 2
