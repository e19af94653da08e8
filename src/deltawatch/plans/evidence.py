"""Evidence files: what is accepted (type and size), and how each is kept (with its SHA-256).

Checked before anything is written: a refused file refuses the whole report. The type is
judged by the name's suffix *and* the first bytes — an executable renamed ``报告.pdf`` is still
an executable (Windows PE ``MZ``, ELF, Mach-O, a ``#!`` script).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

ALLOWED_SUFFIXES = {".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".pptx", ".txt",
                    ".csv", ".jpg", ".jpeg", ".png"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"#!")


def max_bytes() -> int:
    return getattr(settings, "PLANS_EVIDENCE_MAX_BYTES", 50 * 2 ** 20)


@dataclass
class CheckedFile:
    name: str
    content: bytes
    sha256: str


def _refuse(message: str):
    from .workflow import WorkflowError

    raise WorkflowError(message)


def check_files(files) -> list[CheckedFile]:
    """Read and check uploaded files (Django ``UploadedFile`` or objects with ``name``, ``size``
    and ``read``); raise ``WorkflowError`` naming the first refused file."""
    checked = []
    limit = max_bytes()
    for upload in files or ():
        name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            _refuse(_("文件“%(name)s”过大（%(size).1f MB），单个文件不超过 %(limit)d MB。")
                    % {"name": name, "size": size / 2 ** 20, "limit": limit // 2 ** 20})
        if suffix not in ALLOWED_SUFFIXES:
            _refuse(_("文件“%(name)s”的类型不允许上传；可上传：%(kinds)s。")
                    % {"name": name, "kinds": "、".join(sorted(s[1:] for s in ALLOWED_SUFFIXES))})
        content = upload.read(limit + 1)
        if len(content) > limit:
            _refuse(_("文件“%(name)s”过大，单个文件不超过 %(limit)d MB。") % {"name": name, "limit": limit // 2 ** 20})
        if content.startswith(EXECUTABLE_MAGIC):
            _refuse(_("文件“%(name)s”是可执行程序，不能作为佐证材料上传。") % {"name": name})
        checked.append(CheckedFile(name, content, hashlib.sha256(content).hexdigest()))
    return checked


def store(entry, checked: list[CheckedFile]) -> None:
    from .models import Evidence

    for item in checked:
        evidence = Evidence(journal=entry, name=item.name, size=len(item.content), sha256=item.sha256)
        evidence.file.save(f"{item.sha256[:16]}{('.' + item.name.rsplit('.', 1)[-1].lower())}", ContentFile(item.content),
                           save=False)
        evidence.save()
