"""Forms of the 数据导入 pages: the upload (file, layout and what the file does not say) and the
confirmation of a checked upload.

The file is checked twice before anything is read: by its extension (the importer reads CSV,
TSV, TXT and XLSX) and by its first bytes, so that a PNG or PDF renamed ``.csv``/``.xlsx`` is
refused here with a worded reason. The importer's reader then checks it fully (encoding, ZIP
bounds, formulas) and words any other refusal itself.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from deltawatch.indicators.models import Indicator

MiB = 2 ** 20
# Far above a yearbook table (the embedded default's largest file, 23,581 values, is 1.3 MB)
# and far below the reader's own bound (256 MiB): an upload is held in memory-light streams,
# but the dry run and the import each read it whole.
MAX_UPLOAD_BYTES = 20 * MiB

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
ACCEPTED_SUFFIXES = TEXT_SUFFIXES + XLSX_SUFFIXES
HEAD_BYTES = 8192

# Published magic numbers of the files people upload by mistake (PNG spec §5.2, JFIF, GIF89a,
# PDF 1.7 §7.5.2, ZIP APPNOTE 4.3.7, MS-CFB 2.2, gzip RFC 1952): enough to name what was found.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", _("PNG图片")),
    (b"\xff\xd8\xff", _("JPEG图片")),
    (b"GIF8", _("GIF图片")),
    (b"%PDF-", _("PDF文档")),
    (b"PK\x03\x04", _("ZIP压缩包或Office文件")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("旧版Office文件（如.xls）")),
    (b"\x1f\x8b", _("gzip压缩包")),
)
ZIP_SIGNATURE = b"PK\x03\x04"

LAYOUT_CHOICES = [
    ("auto", _("自动识别")),
    ("long", _("长表：每行一个数值（地区、指标、年份、数值）")),
    ("wide_years", _("宽表：地区 × 年份（一个指标）")),
    ("wide_indicators", _("宽表：地区 × 指标（一个年份）")),
]
# The importer's own bounds: years (reader year_range) and a cell's length (MAX_CELL_CHARS).
YEAR_RANGE = (1949, 2100)
TOO_LARGE = _("文件超过20 MB的上限；请拆分为较小的文件。")
MAX_TEXT_CHARS = 2000


class UploadSizeLimit(FileUploadHandler):
    """Stop receiving an uploaded file once it passes ``MAX_UPLOAD_BYTES``.

    Django's own handlers would first copy the whole upload to a temporary file and only then
    let the form see its size; this handler, placed first, drops the file at the limit and
    marks the request, so that a 2 GB upload costs no disk. Written here because Django ships
    no size-limiting handler (docs: "Upload Handlers", custom handlers).
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = MAX_UPLOAD_BYTES if limit is None else limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def first_bytes_kind(head: bytes):
    """What the first bytes of a file say it is: a name from ``SIGNATURES``, "binary" for
    bytes that are not text (a NUL outside UTF-16), or None for text."""
    for magic, name in SIGNATURES:
        if head.startswith(magic):
            return name
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    return _("二进制数据") if b"\x00" in head else None


def check_upload(upload) -> None:
    """Refuse a file whose name or first bytes say it is not a CSV/TSV/TXT or XLSX table."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise forms.ValidationError(
            _("只能导入CSV、TSV、TXT或Excel工作簿（.xlsx）文件，不能导入“%(suffix)s”文件。Excel 97–2003（.xls）"
              "请另存为.xlsx。"), params={"suffix": suffix or _("无扩展名")}, code="suffix")
    if upload.size == 0:
        raise forms.ValidationError(_("文件是空的（0字节）。"), code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = first_bytes_kind(head)
    if suffix in XLSX_SUFFIXES and not head.startswith(ZIP_SIGNATURE):
        raise forms.ValidationError(
            _("文件名为“%(suffix)s”，应是Excel工作簿，但内容是%(found)s。"),
            params={"suffix": suffix, "found": found or _("文本")}, code="content")
    if suffix in TEXT_SUFFIXES and found is not None:
        raise forms.ValidationError(
            _("文件名为“%(suffix)s”，应是文本表格，但内容是%(found)s；其中的表格无法直接导入，"
              "请使用原始的Excel或CSV文件。"), params={"suffix": suffix, "found": found}, code="content")


class UploadForm(forms.Form):
    """A file and the options of ``import_observations`` (the CLI's ``deltawatch import``)."""

    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("CSV、TSV、TXT或Excel工作簿（.xlsx），不超过20 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    layout = forms.ChoiceField(label=_("表格格式"), choices=LAYOUT_CHOICES, initial="auto")
    indicator = forms.ModelChoiceField(
        label=_("指标"), required=False, to_field_name="code", queryset=Indicator.objects.none(),
        empty_label=_("（文件中注明）"), help_text=_("宽表“地区 × 年份”的指标，表格标题未注明时选择"),
    )
    year = forms.IntegerField(
        label=_("年份"), required=False, min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1],
        help_text=_("宽表“地区 × 指标”的年份，表格标题未注明时填写"),
    )
    unit = forms.CharField(label=_("单位"), required=False, max_length=40,
                           help_text=_("文件中数值的单位，表内未注明时填写（如“万元”）"))
    source = forms.CharField(label=_("数据来源"), required=False, max_length=MAX_TEXT_CHARS,
                             help_text=_("文件未注明来源时填写（如“2024年江苏统计年鉴 表2-5”）"))
    sheet = forms.CharField(label=_("工作表"), required=False, max_length=100,
                            help_text=_("Excel工作簿中的工作表名称，默认第一个"))

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        # Derived indicators are computed by the system and cannot be imported.
        self.fields["indicator"].queryset = Indicator.objects.filter(formula="").order_by("code")
        self.fields["indicator"].label_from_instance = lambda indicator: (
            f"{indicator.code} — {indicator.name_zh}（{indicator.unit}）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE, code="too_large")
        check_upload(upload)
        return upload

    def clean(self):
        if self.too_large:  # UploadSizeLimit dropped the file: say why, not "this field is required"
            self._errors.pop("file", None)
            self.add_error("file", forms.ValidationError(TOO_LARGE, code="too_large"))
        return super().clean()

    def import_options(self) -> dict:
        """The options given, as keyword arguments of ``import_observations``: only those set,
        so that the importer detects the rest (as ``deltawatch import`` does)."""
        data = self.cleaned_data
        options = {
            "layout": None if data["layout"] == "auto" else data["layout"],
            "indicator": data["indicator"].code if data["indicator"] else None,
            "year": data["year"],
            "unit": data["unit"].strip() or None,
            "source": data["source"].strip() or None,
            "sheet": data["sheet"].strip() or None,
        }
        return {key: value for key, value in options.items() if value is not None}


TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class ConfirmForm(forms.Form):
    """Import (or discard) the checked upload named by ``token``; the token is looked up in the
    user's session, never taken as a path."""

    token = forms.RegexField(regex=TOKEN, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("import", "import"), ("discard", "discard")])
