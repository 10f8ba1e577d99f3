"""captions_to_webvtt: SRT converted, WebVTT validated, broken lines reported."""

from __future__ import annotations

import pytest

from media.ffmpeg.captions import captions_to_webvtt
from media.ffmpeg.errors import CaptionError

SRT = """1
00:00:01,000 --> 00:00:03,500
楼组长先在楼道里贴出众筹告示

2
00:00:04,000 --> 00:01:02,250
三轮议事：提议、讨论、表决
第二行
"""


def broken(data: str | bytes, filename: str) -> CaptionError:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(CaptionError) as info:
        captions_to_webvtt(raw, filename=filename)
    return info.value


def test_srt_is_converted_to_webvtt():
    assert captions_to_webvtt(SRT.encode(), filename="第一课.srt") == (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:03.500\n楼组长先在楼道里贴出众筹告示\n\n"
        "00:00:04.000 --> 00:01:02.250\n三轮议事：提议、讨论、表决\n第二行\n"
    )


def test_srt_with_windows_line_endings_and_bom_is_converted():
    data = ("\ufeff" + SRT).replace("\n", "\r\n").encode("utf-8")
    assert captions_to_webvtt(data, filename="a.srt").startswith(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n楼组长"
    )


def test_gbk_encoded_srt_from_chinese_windows_is_read():
    vtt = captions_to_webvtt(SRT.encode("gbk"), filename="a.srt")
    assert "三轮议事：提议、讨论、表决" in vtt


def test_broken_srt_timing_is_reported_with_its_line():
    error = broken(SRT.replace("00:00:04,000 -->", "00:00:4000 -->"), "a.srt")
    assert error.line_no == 6
    assert "第 6 行" in str(error.reason)
    assert "时间码格式错误" in str(error.reason)


def test_srt_cue_ending_before_it_starts_is_reported():
    error = broken(SRT.replace("00:00:03,500", "00:00:00,500"), "a.srt")
    assert (error.line_no, "结束时间必须晚于开始时间" in str(error.reason)) == (2, True)


def test_srt_with_text_where_a_cue_should_start_is_reported():
    error = broken(SRT + "\n这一行没有时间码\n", "a.srt")
    assert error.line_no == 10


def test_webvtt_is_validated_and_normalised():
    vtt = (
        "WEBVTT - 第一课\n\nNOTE 讲师备注\n\nSTYLE\n::cue { color: red }\n\n"
        "intro\n00:01.000 --> 00:02.500 align:start line:0\n<v 讲师>睦邻门</v>\n"
    )
    assert captions_to_webvtt(vtt.encode(), filename="a.vtt") == (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500 align:start line:0\n睦邻门\n"
    )


def test_webvtt_timing_with_a_comma_is_reported():
    error = broken("WEBVTT\n\n00:00:01,000 --> 00:00:02.000\n你好\n", "a.vtt")
    assert error.line_no == 3


def test_vtt_file_without_the_header_is_refused_at_line_1():
    assert broken("00:00:01.000 --> 00:00:02.000\n你好\n", "a.vtt").line_no == 1


def test_markup_other_than_bold_italic_underline_is_dropped_and_text_escaped():
    srt = '1\n00:00:01,000 --> 00:00:02,000\n<font color="red">A & B</font> <i>C</i>'
    srt += "<script>alert(1)</script>\n"
    vtt = captions_to_webvtt(srt.encode(), filename="a.srt")
    assert vtt.splitlines()[3] == "A &amp; B <i>C</i>alert(1)"


def test_file_without_any_cue_is_refused():
    assert broken("WEBVTT\n\n", "a.vtt").line_no == 1


def test_file_in_an_unknown_encoding_is_refused():
    data = b"1\n00:00:01,000 --> 00:00:02,000\n\xff\xfe\xfa\n"
    assert broken(data, "a.srt").line_no == 3
