"""One message catalogue: every message the commands, the importer, the index engine and the
methods' InputError can word has its English in django.po with the same placeholders; the
library reads it without Django; a command speaks its --lang; a page speaks the user's language."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from deltawatch import cli, i18n
from deltawatch.core import commandline
from deltawatch.methods import errors as method_errors
from deltawatch.methods.errors import InputError, Phrase
from deltawatch.methods.index import errors
from deltawatch.methods.index.errors import IndexSpecError
from deltawatch.observations import messages
from deltawatch.observations.reader.results import Problem
from deltawatch.progress import report as progress_report
from deltawatch.regional import commands as regional
from deltawatch.reporting import commands as reporting_commands
from deltawatch.exchange import backup, opensdg, sdmx

SRC = Path(i18n.__file__).resolve().parent
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Every table of msgids, with the context its entries have in the catalogue.
TABLES = {
    "commandline.MESSAGES": (commandline.MESSAGES, None),
    **{f"{module.__name__}.MESSAGES": (module.MESSAGES, None) for module in cli.COMMAND_MODULES},
    "regional.KINDS": (regional.KINDS, None),
    "regional.REPORT": (regional.REPORT, None),
    "regional.DISPARITY_HEADERS": (regional.DISPARITY_HEADERS, regional.HEADERS_CONTEXT),
    "observations.messages.MESSAGES": (messages.MESSAGES, None),
    "observations.messages.REASONS": (messages.REASONS, None),
    "observations.messages.FILE_KINDS": (messages.FILE_KINDS, None),
    "observations.messages.HINTS": (messages.HINTS, None),
    "observations.messages.ROLE_NAMES": (messages.ROLE_NAMES, messages.ROLE_CONTEXT),
    "methods.index.errors.MESSAGES": (errors.MESSAGES, None),
    "methods.errors.MESSAGES": (method_errors.MESSAGES, None),
    "methods.index.errors.DETAILS": (errors.DETAILS, None),
    "progress.report.HEADERS": (progress_report.HEADERS, "progress table"),
    "progress.report.BASE_YEAR_SOURCES": (progress_report.BASE_YEAR_SOURCES, "progress table"),
    "reporting.commands.STATUS_COLUMNS": (reporting_commands.STATUS_COLUMNS, "cycle status"),
    "exchange.sdmx.MESSAGES": (sdmx.MESSAGES, None),
    "exchange.opensdg.MESSAGES": (opensdg.MESSAGES, None),
    "exchange.backup.MESSAGES": (backup.MESSAGES, None),
}
TABLE_ENTRIES = [(name, key, msgid, context) for name, (table, context) in TABLES.items()
                 for key, msgid in table.items()]


CALLS = {"gettext_noop", "pgettext_noop", "translate", "ptranslate", "ntranslate", "word", "pword", "nword"}


def _literal_calls():
    """(file, function, msgid, context, plural) of every call of the catalogue's functions with a
    literal msgid in the package — the tables' marks and the messages worded inline. A context
    is a literal, as xgettext needs it (makemessages finds the same calls)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "deltawatch.i18n" not in text or path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(text)):
            name = getattr(getattr(node, "func", None), "id", None)
            if not isinstance(node, ast.Call) or name not in CALLS:
                continue
            literals = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
            context, literals = (literals[0], literals[1:]) if name.startswith("p") else (None, literals)
            if not literals or literals[0] is None:
                continue  # a msgid from a table, checked with its table
            plural = literals[1] if name.startswith("n") else None
            found.append((path.relative_to(SRC).as_posix(), name, literals[0], context, plural))
    return found


LITERALS = _literal_calls()


def test_the_scan_finds_the_tables_and_the_inline_messages():
    files = {file for file, *_ in LITERALS}
    assert {"observations/messages.py", "regional/commands.py", "methods/index/errors.py",
            "methods/errors.py", "core/commandline.py"} <= files
    assert len(TABLE_ENTRIES) > 150 and {"nword", "pgettext_noop", "ptranslate"} <= {name for _, name, *_ in LITERALS}


def test_every_marked_msgid_is_in_a_table_that_is_checked():
    """A msgid marked with gettext_noop or pgettext_noop belongs to a table above, with the
    context of its mark: a new table must be added here to be checked."""
    tabled = {(msgid, context) for _, _, msgid, context in TABLE_ENTRIES}
    marked = {(file, msgid, context) for file, name, msgid, context, _ in LITERALS if name.endswith("gettext_noop")}
    assert {m for m in marked if m[1:] not in tabled} == set()


@pytest.mark.parametrize("table, key, msgid, context", TABLE_ENTRIES,
                         ids=[f"{name}:{key}" for name, key, _, _ in TABLE_ENTRIES])
def test_every_table_message_has_its_english_with_the_same_placeholders(table, key, msgid, context):
    english = i18n.ptranslate(context, msgid, "en") if context else i18n.translate(msgid, "en")
    assert english != msgid, f"no English for {msgid!r} (context {context!r}) in django.po"
    assert i18n.placeholders(english) == i18n.placeholders(msgid)
    assert (i18n.ptranslate(context, msgid, "zh") if context else i18n.translate(msgid, "zh")) == msgid


INLINE = list(dict.fromkeys((file, msgid, context, plural) for file, name, msgid, context, plural in LITERALS
                            if not name.endswith("gettext_noop")))


@pytest.mark.parametrize("file, msgid, context, plural", INLINE, ids=[f"{f}:{m}" for f, m, _, _ in INLINE])
def test_every_inline_message_has_its_english_with_the_same_placeholders(file, msgid, context, plural):
    if plural is None:
        forms = [i18n.ptranslate(context, msgid, "en") if context else i18n.translate(msgid, "en")]
    else:
        forms = [i18n.ntranslate(msgid, plural, n, "en") for n in (1, 2)]
        assert forms[0] != forms[1], "one English form for both counts"
    for english in forms:
        assert english != msgid, f"no English for {msgid!r} (context {context!r}) in django.po"
        assert i18n.placeholders(english) == i18n.placeholders(msgid)


def _extracted(pot: str) -> set:
    """(context, msgid) of the entries of xgettext's output (--no-wrap)."""
    entries = set()
    for block in pot.split("\n\n"):
        fields = dict(re.findall(r'^(msgctxt|msgid) (".*")$', block, re.MULTILINE))
        if fields.get("msgid", '""') != '""':
            entries.add((ast.literal_eval(fields["msgctxt"]) if "msgctxt" in fields else None,
                         ast.literal_eval(fields["msgid"])))
    return entries


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_makemessages_would_find_every_message():
    """The project's makemessages tells xgettext the catalogue's functions: run it as Django
    does on the files that word messages, and every table entry and inline msgid is found,
    with its context — so makemessages keeps them in django.po instead of dropping them."""
    from deltawatch.site.management.commands.makemessages import Command

    files = sorted({file for file, *_ in LITERALS})
    result = subprocess.run(["xgettext", "--language=Python", "--no-wrap", "--keyword=gettext_noop",
                             "--keyword=pgettext:1c,2", *Command.xgettext_options, "--output=-", *files],
                            cwd=SRC, capture_output=True, text=True, check=True)
    found = _extracted(result.stdout)
    wanted = {(context, msgid) for _, _, msgid, context in TABLE_ENTRIES} | {(c, m) for _, m, c, _ in INLINE}
    assert wanted - found == set()


def test_the_po_marks_brace_placeholders_for_msgfmt():
    """Every entry with a {placeholder} carries python-brace-format, so that msgfmt --check
    refuses an English text whose placeholders differ."""
    text = PO.read_text(encoding="utf-8")
    for _, _, msgid, _ in TABLE_ENTRIES:
        if not i18n.placeholders(msgid):
            continue
        quoted = 'msgid "' + msgid.replace("\\", "\\\\").replace('"', '\\"') + '"'
        position = text.find("\n" + quoted + "\n")
        assert position > 0, msgid
        block = text[text.rfind("\n\n", 0, position):position]
        assert "#, python-brace-format" in block, msgid


# The calls that make a coded message in deltawatch.methods: the position of the code among
# their arguments and the table it is a key of.
CODED_CALLS = {"InputError": (0, "methods.errors.MESSAGES"), "Phrase": (0, "methods.errors.MESSAGES"),
               "Detail": (0, "methods.index.errors.DETAILS"), "_factor_error": (1, "methods.index.errors.DETAILS")}


def _coded_calls():
    """(place, table, code, keyword names) of every call in ``deltawatch.methods`` that makes a
    coded message with a literal code; and the places that make one without (a code passed
    in, or worded text such as an f-string)."""
    found, unworded = [], []
    for path in sorted((SRC / "methods").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "id", None)
            if not isinstance(node, ast.Call) or name not in CODED_CALLS:
                continue
            position, table = CODED_CALLS[name]
            where = f"{path.relative_to(SRC).as_posix()}:{node.lineno}"
            code = node.args[position] if len(node.args) == position + 1 else None
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.append((where, table, code.value, {k.arg for k in node.keywords}))
            else:
                unworded.append(where)
    return found, unworded


CODED, UNWORDED = _coded_calls()
# Codes a caller passes in (_positive_total's 'what'), with the file that passes them.
PASSED_CODES = {"methods/disparity.py": ["mean_of_y", "weighted_mean_of_y", "total_of_y", "total_wy"]}


def _line_of(file: str, text: str) -> str:
    lines = (SRC / file).read_text(encoding="utf-8").splitlines()
    return f"{file}:{next(n for n, line in enumerate(lines, 1) if text in line)}"


def test_every_refusal_of_the_methods_is_a_code_of_the_catalogue():
    """Every InputError raised in deltawatch.methods, and every detail of an IndexSpecError,
    gives a code of its table (no English-only text), with exactly the parameters its message
    names — so no message fails to fill, or drops a value the user needs, in either language;
    and every code of the tables is used."""
    assert len([c for c in CODED if c[1] == "methods.errors.MESSAGES"]) >= 83, "the scan lost the raise sites"
    assert UNWORDED == sorted([_line_of("methods/disparity.py", "Phrase(what)"),
                               _line_of("methods/index/uncertainty.py", "Detail(code, **params)")])
    for where, table, code, names in CODED:
        assert code in TABLES[table][0], f"{where}: unknown code {code!r}"
        assert names == i18n.placeholders(TABLES[table][0][code]), where
    for table in ("methods.errors.MESSAGES", "methods.index.errors.DETAILS"):
        used = {code for _, name, code, _ in CODED if name == table} | {c for codes in PASSED_CODES.values() for c in codes}
        assert set(TABLES[table][0]) - used == set(), f"a code of {table} that nothing uses"
    text = (SRC / "methods" / "disparity.py").read_text(encoding="utf-8")
    assert set(re.findall(r'_positive_total\([^,]+, "(\w+)"\)', text)) == set(PASSED_CODES["methods/disparity.py"])


def test_an_index_spec_error_words_its_detail_in_its_language():
    from deltawatch.methods.index.errors import Detail

    error = IndexSpecError("ahp_matrix", parent="Econ", problem=Detail("ahp_size", n=3))
    assert error.message("zh") == "'Econ' 的判断矩阵应为 3 阶"
    assert error.message("en").endswith("must be 3 × 3") and "应为" not in error.message("en")


def test_an_input_error_is_worded_in_either_language_with_its_phrases():
    error = InputError("negative", name="y", got=-1.0, at=Phrase("at_position_unit", i=1, unit="南京"))
    assert error.message("zh") == "y 应 ≥ 0，而第 1 个位置（单元 '南京'）为 -1.0：差距指数只适用于非负值"
    assert error.message("en") == "y must be ≥ 0, got -1.0 at position 1 (unit '南京')"
    assert str(error) == error.message("zh") + " / " + error.message("en")
    assert isinstance(error, ValueError) and error.args == (error.message("zh") + "\n" + error.message("en"),)
    nested = InputError("in_year", name="cv", year=2020, reason=InputError("total_not_positive",
                                                                             what=Phrase("mean_of_y"), total=0.0))
    assert nested.message("en") == "cv, year 2020: the mean of y must be > 0, got 0.0: the index is undefined"
    assert nested.message("zh") == "cv，2020 年：y 的均值应 > 0，收到 0.0：该指数无定义"
    with translation.override("en"):
        assert error.message(None) == "y must be ≥ 0, got -1.0 at position 1 (unit '南京')"


def test_a_method_refusal_is_worded_in_both_languages():
    from deltawatch.methods.disparity import theil

    with pytest.raises(InputError) as refused:
        theil(pd.Series([1.0, 0.0], index=["上海", "南京"]), kind="L")
    assert refused.value.message("zh") == ("有值为 0 时 Theil L 无定义（s = 0 时 ln(p/s) 无意义）：y 在第 1 个位置（单元 '南京'）"
                                           "为 0；请改用 Theil T 或去掉该单元")
    assert refused.value.message("en") == ("Theil L is undefined when a value is 0 (ln(p/s) with s = 0): y is 0 at "
                                           "position 1 (unit '南京'); use Theil T or leave the unit out")


# ---------------------------------------------------------------------------- the library


def test_the_library_words_english_from_the_catalogue_without_django():
    code = (
        "import sys\n"
        "from deltawatch.methods.errors import InputError\n"
        "from deltawatch.methods.index import IndexSpecError\n"
        "from deltawatch.observations.messages import format_report\n"
        "from deltawatch.observations.reader.results import Problem\n"
        "error = IndexSpecError('missing_column', kind='指标', kind_en='indicator', names=['x'], available=['a'])\n"
        "print(error.message('en'))\n"
        "print(format_report([Problem('d.csv', 2, None, None, 'missing_column', {'required': 'region',"
        " 'accepted': 'region'})], 'en'))\n"
        "print(InputError('markov_k', k=7).message('en'))\n"
        "assert 'django' not in sys.modules, 'the library imported Django'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(SRC.parent), "PATH": "/usr/bin:/bin"})
    assert result.stdout.splitlines() == [
        "The data has no indicator column ['x'] (its columns: ['a'])",
        "Import failed: 1 error, nothing was written.",
        "  d.csv row 2: required column “region” is missing (accepted headers: region)",
        "k must be between 2 and 5 classes, got 7",
    ]


def test_a_text_parameter_is_given_in_both_languages():
    error = IndexSpecError("bad_param", step="normalise", method="minmax", name="low", expected="数值",
                           expected_en="a number", got="'x'")
    assert error.message("zh") == "步骤 normalise 的方法 minmax 的参数 'low' 应为数值，收到 'x'"
    assert error.message("en") == "The 'low' parameter of method minmax (step normalise) must be a number, got 'x' instead"
    assert str(error) == error.message("zh") + " / " + error.message("en")


def test_under_django_the_default_language_is_the_active_one():
    error = IndexSpecError("no_nodes")
    problem = Problem("data.csv", 5, "数值", "abc", "not_a_number", {})
    with translation.override("en"):
        assert error.message(None) == "The index spec has no nodes"
        assert messages.format_problem(problem, None) == "data.csv row 5, column “数值”, “abc”: not a number"
    with translation.override("zh-hans"):
        assert error.message(None) == "指数定义没有任何节点（nodes）"
        assert messages.format_problem(problem, None) == "data.csv 第5行 “数值”列 “abc”：不是有效的数字"


def test_counts_take_the_english_plural():
    problem = Problem("d.csv", 2, None, None, "blank_value", {})
    assert messages.format_report([problem], "en").splitlines()[0] == "Import failed: 1 error, nothing was written."
    assert messages.format_report([problem] * 2, "en").splitlines()[0] == "Import failed: 2 errors, nothing was written."
    assert messages.format_report([problem] * 2, "zh").splitlines()[0] == "导入失败：发现 2 个错误，未写入任何数据。"


# ---------------------------------------------------------------------------- commands


def test_a_command_error_is_chinese_by_default_and_english_with_lang_en(tmp_path, capsys):
    missing = tmp_path / "none.csv"
    assert cli.main(["index", "build", "yrd_hqd", "--data", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"文件不存在：{missing}"
    assert cli.main(["--lang", "en", "index", "build", "yrd_hqd", "--data", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"No such file: {missing}"


def test_an_index_spec_error_in_a_command_speaks_its_lang(tmp_path, capsys):
    spec = tmp_path / "list.yaml"
    spec.write_text("- 1\n- 2\n", encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("unit_code,a\nu1,1\n", encoding="utf-8")
    assert cli.main(["index", "build", str(spec), "--data", str(data)]) == 2
    assert capsys.readouterr().err.strip() == "指数定义应为一个映射（YAML/JSON 对象），收到 list"
    assert cli.main(["--lang", "en", "index", "build", str(spec), "--data", str(data)]) == 2
    assert capsys.readouterr().err.strip() == "An index spec must be a mapping (a YAML/JSON object), got list instead"


@pytest.mark.django_db
def test_a_regional_command_names_the_unknown_kind_in_its_lang(capsys):
    assert cli.main(["disparity", "--indicator", "no_such_indicator"]) == 2
    assert capsys.readouterr().err.strip() == "未知的指标：no_such_indicator"
    assert cli.main(["--lang", "en", "disparity", "--indicator", "no_such_indicator"]) == 2
    assert capsys.readouterr().err.strip() == "Unknown indicator: no_such_indicator"


# ---------------------------------------------------------------------------- pages


@pytest.fixture
def office(settings, tmp_path):
    from deltawatch.accounts.roles import ensure_roles
    from deltawatch.accounts.services import create_sample_accounts

    settings.DATA_DIR = tmp_path / "data"
    ensure_roles()
    create_sample_accounts()
    user = get_user_model().objects.get(username="js_office")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown, not_shown", [
    ("zh-hans", "缺少必需的列“年份”", "required column"),
    ("en", "required column “year” is missing", "缺少必需的列"),
])
def test_an_importer_problem_on_the_upload_page_is_in_the_users_language(office, language, shown, not_shown):
    upload = SimpleUploadedFile("data.csv", "region,indicator,value\n上海市,gdp,1\n".encode(), content_type="text/csv")
    page = office.post(reverse("observations:upload"), {"file": upload, "layout": "long"},
                       HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in page and not_shown not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown, not_shown", [
    ("zh-hans", "数据中没有指标列 no_such", "has no indicator column"),
    ("en", "The data has no indicator column no_such", "数据中没有"),
])
def test_an_index_spec_error_on_the_job_page_is_in_the_users_language(office, monkeypatch, language, shown, not_shown):
    from deltawatch.jobs.choices import JobStatus
    from deltawatch.jobs.handlers import HANDLERS
    from deltawatch.jobs.models import Job
    from deltawatch.jobs.services import run_next

    def refused(parameters, user, report):
        raise IndexSpecError("missing_column", kind="指标", kind_en="indicator", names="no_such", available="a, b")

    monkeypatch.setitem(HANDLERS, "index.build", refused)
    office.post(reverse("indices:start"), {"kind": "build", "spec": "yrd_hqd", "years": "2017"}, HTTP_ACCEPT_LANGUAGE=language)
    job = Job.objects.get()
    assert run_next().status == JobStatus.FAILED
    page = office.get(reverse("indices:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in page and not_shown not in page


# ---------------------------------------------------------------------------- the methods' InputError


@pytest.mark.django_db
def test_a_convergence_command_words_the_methods_refusal_in_its_lang(capsys):
    """Two years are too few for σ-convergence's trend (it needs σ in 3 years): the method
    refuses, and the command says so in Chinese by default, in English with --lang en (after
    the line that describes the panel)."""
    argv = ["convergence", "--indicator", "gdp_per_capita", "--from", "2019", "--to", "2020", "--tests", "sigma"]
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.splitlines()[-1] == ("σ 收敛检验至少需要 3 个年份的 σ，收到 2 个：请增加年份，"
                                              "或选用单元数多于 ddof = 1 的年份")
    assert cli.main(["--lang", "en", *argv]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == ("sigma_convergence needs σ in at least 3 years, got 2: more years, "
                                              "or years with more than ddof = 1 units")


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown, not_shown", [
    ("zh-hans", "无法计算：cv，1960 年：y 的均值应 &gt; 0，收到 0.0：该指数无定义", "the index is undefined"),
    ("en", "cv, year 1960: the mean of y must be &gt; 0, got 0.0: the index is undefined", "该指数无定义"),
])
def test_a_disparity_page_words_the_methods_refusal_in_the_users_language(office, write_csv, language, shown,
                                                                          not_shown):
    """Two cities whose wage is 0 in 1960, a year without other data: the CV's mean is 0, the
    method refuses the year, and the disparity section says why in the page's language."""
    from django.core.cache import cache

    from deltawatch.observations.services import import_observations

    import_observations(write_csv("region,indicator,year,value,unit\n"
                                  "320500,avg_wage,1960,0,元\n320100,avg_wage,1960,0,元\n"))
    cache.clear()
    response = office.get("/regional/?indicator=avg_wage&first=1960&last=1960&weight=none",
                          HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert shown in page and not_shown not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown, not_shown", [
    ("zh-hans", "数据不适合该计算：k 应为 2 到 5 个类别，收到 7", "classes"),
    ("en", "k must be between 2 and 5 classes, got 7", "个类别"),
])
def test_an_input_error_on_the_job_page_is_in_the_users_language(office, monkeypatch, language, shown, not_shown):
    from deltawatch.jobs.choices import JobStatus
    from deltawatch.jobs.handlers import HANDLERS
    from deltawatch.jobs.models import Job
    from deltawatch.jobs.services import run_next

    def refused(parameters, user, report):
        raise InputError("markov_k", k=7)

    monkeypatch.setitem(HANDLERS, "index.build", refused)
    office.post(reverse("indices:start"), {"kind": "build", "spec": "yrd_hqd", "years": "2017"}, HTTP_ACCEPT_LANGUAGE=language)
    job = Job.objects.get()
    assert run_next().status == JobStatus.FAILED
    page = office.get(reverse("indices:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert shown in page and not_shown not in page


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_every_text_of_the_pages_and_code_has_its_english(tmp_path):
    """makemessages over a copy of the package (templates included) leaves no entry without its
    English and none fuzzy: an English page shows no Chinese sentence."""
    import os

    package = Path(__file__).resolve().parents[1] / "src" / "deltawatch"
    copy = tmp_path / "deltawatch"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "deltawatch.settings", "DELTAWATCH_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-wrap",
                           "--ignore", "defaults/*"],
                          cwd=copy, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = [msgid for msgid in _entries_of(["msgattrib", "--untranslated", "--no-obsolete", str(po)])
               if msgid and not msgid.startswith("Django ")]  # the admin's own titles, English already
    fuzzy = _entries_of(["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)])
    assert missing == [] and [m for m in fuzzy if m] == []


def _entries_of(command: list[str]) -> list[str]:
    """The msgids of the entries ``command`` (a msgattrib selection, --no-wrap) prints."""
    text = subprocess.run([*command, "--no-wrap"], capture_output=True, text=True, check=True).stdout
    return [line[len('msgid "'):-1] for line in text.splitlines() if line.startswith('msgid "')]
