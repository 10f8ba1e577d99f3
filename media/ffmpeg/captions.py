"""Caption files: WebVTT validated and normalised, SRT converted to WebVTT.

Pure Python (no ffmpeg): a caption file is text, and a trainer needs to know
which line is wrong, which ffmpeg's subtitle demuxers would not say.
The output is rebuilt from the parsed cues, so what reaches learners' browsers is
only timings, positioning settings and text with <b>, <i> and <u>; STYLE and
REGION blocks, NOTEs and any other markup are dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .errors import CaptionError, reason

MAX_CAPTION_BYTES = 1024 * 1024
ALLOWED_TAGS = {"b", "i", "u"}

_SRT_TIME = r"(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(?:\s+.*)?$")
_VTT_TIME = r"(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+(.*))?$")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[.\s][^>]*)?>|<[^>]*>")
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # {\an8} and friends in SRT files
_SETTING = re.compile(r"^(vertical|line|position|size|align):\S+$")


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    text: list[str]
    settings: str = ""


def captions_to_webvtt(data: bytes, *, filename: str) -> str:
    if len(data) > MAX_CAPTION_BYTES:
        raise CaptionError(1, reason("字幕文件太大（上限 1 MB）。"))
    text = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0] if lines else ""
    if first.startswith("WEBVTT"):
        cues = _parse_vtt(lines)
    elif filename.lower().endswith(".vtt"):
        raise _error(1, reason("WebVTT 文件的第一行必须是 WEBVTT。"))
    else:
        cues = _parse_srt(lines)
    if not cues:
        raise _error(1, reason("文件中没有任何字幕。"))
    return _serialise(cues)


def _error(line_no: int, problem) -> CaptionError:
    return CaptionError(
        line_no, reason("第 %(line)d 行：%(problem)s", line=line_no, problem=problem)
    )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Subtitle tools on Chinese Windows still save GBK by default.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line_no = data[: _bad_offset(data)].count(b"\n") + 1
        raise _error(
            line_no, reason("文字编码无法识别，请另存为 UTF-8 编码。")
        ) from None


def _bad_offset(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def _ms(hours, minutes, seconds, millis, line_no) -> int:
    hours = int(hours or 0)
    minutes, seconds = int(minutes), int(seconds)
    if minutes > 59 or seconds > 59:
        raise _error(line_no, reason("时间码中的分钟或秒数超过 59。"))
    millis = int(millis.ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _check_order(start: int, end: int, line_no: int) -> None:
    if end <= start:
        raise _error(line_no, reason("结束时间必须晚于开始时间。"))


def _parse_srt(lines: list[str]) -> list[Cue]:
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if line.isdigit():  # the cue number; some tools leave it out
            i += 1
            if i >= len(lines):
                raise _error(i, reason("字幕序号后缺少时间码。"))
            line = lines[i].strip()
        match = _SRT_TIMING.match(line)
        if not match:
            if "-->" in line:
                problem = reason("时间码格式错误，应为 00:00:01,000 --> 00:00:04,000。")
            else:
                problem = reason("应为字幕序号或时间码。")
            raise _error(i + 1, problem)
        g = match.groups()
        start = _ms(*g[0:4], line_no=i + 1)
        end = _ms(*g[4:8], line_no=i + 1)
        _check_order(start, end, i + 1)
        i += 1
        text = []
        while i < len(lines) and lines[i].strip():
            text.append(_clean_text(lines[i].strip()))
            i += 1
        if any(text):
            cues.append(Cue(start, end, [t for t in text if t]))
    return cues


def _parse_vtt(lines: list[str]) -> list[Cue]:
    header = lines[0]
    if header != "WEBVTT" and not header.startswith(("WEBVTT ", "WEBVTT\t")):
        raise _error(1, reason("WebVTT 文件的第一行必须是 WEBVTT。"))
    i = 1
    while i < len(lines) and lines[i].strip():  # header metadata lines
        if "-->" in lines[i]:
            raise _error(i + 1, reason("WEBVTT 标题行之后需要一个空行。"))
        i += 1
    cues: list[Cue] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        first = block[0].strip()
        if first == "NOTE" or first.startswith(("NOTE ", "NOTE\t")):
            continue
        if first in ("STYLE", "REGION") and not cues:
            continue  # dropped: only cues are kept
        timing_at = 0 if "-->" in block[0] else 1  # an optional cue identifier
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise _error(block_start + timing_at + 1, reason("缺少时间码。"))
        line_no = block_start + timing_at + 1
        match = _VTT_TIMING.match(block[timing_at].strip())
        if not match:
            raise _error(
                line_no,
                reason("时间码格式错误，应为 00:00:01.000 --> 00:00:04.000。"),
            )
        g = match.groups()
        start = _ms(*g[0:4], line_no=line_no)
        end = _ms(*g[4:8], line_no=line_no)
        _check_order(start, end, line_no)
        settings = " ".join(
            s for s in (g[8] or "").split() if _SETTING.match(s) and "-->" not in s
        )
        text = []
        for offset, raw in enumerate(block[timing_at + 1 :], start=line_no + 1):
            if "-->" in raw:
                raise _error(offset, reason("字幕文字中不能出现“-->”，或缺少空行。"))
            text.append(_clean_text(raw.strip()))
        if any(text):
            cues.append(Cue(start, end, [t for t in text if t], settings))
    return cues


def _clean_text(line: str) -> str:
    """Keep <b>, <i>, <u>; drop other markup; escape everything else."""
    line = _ASS_OVERRIDE.sub("", line)
    out = []
    pos = 0
    for match in _TAG.finditer(line):
        out.append(_escape(line[pos : match.start()]))
        closing, name = match.group(1), (match.group(2) or "").lower()
        if name in ALLOWED_TAGS:
            out.append(f"<{closing}{name}>")
        pos = match.end()
    out.append(_escape(line[pos:]))
    return "".join(out).strip()


def _escape(text: str) -> str:
    # Entities already in the file (&amp; &lt;) are decoded first, so they are
    # escaped once, not twice.
    return html.escape(html.unescape(text), quote=False)


def _timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _serialise(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for cue in cues:
        timing = f"{_timestamp(cue.start_ms)} --> {_timestamp(cue.end_ms)}"
        if cue.settings:
            timing += " " + cue.settings
        parts += [timing, *cue.text, ""]
    return "\n".join(parts)
