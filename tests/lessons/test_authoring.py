import pytest
from django.test import override_settings

from lessons.authoring import (
    CJK_CHARACTERS_PER_MINUTE,
    LATIN_WORDS_PER_MINUTE,
    lesson_estimate,
    lesson_length_warning,
    reading_seconds,
    script_plain_text,
)
from lessons.delivery import player_script_bytes
from tests.lessons.factories import (
    CharacterFactory,
    LessonPageFactory,
    Script,
    option,
    rendition_row,
    video_row,
)

pytestmark = pytest.mark.django_db

# 510 ideographs: two minutes at 255 a minute.
TWO_MINUTES_OF_CHINESE = "楼道里堆满了杂物居民们很着急" * 36 + "大家一起想想"


def test_the_two_minute_text_has_510_ideographs():
    assert len(TWO_MINUTES_OF_CHINESE) == 2 * CJK_CHARACTERS_PER_MINUTE


def test_reading_time_counts_chinese_characters():
    assert reading_seconds(TWO_MINUTES_OF_CHINESE) == pytest.approx(120)


def test_reading_time_ignores_chinese_punctuation():
    assert reading_seconds("楼道，“众筹”。！?") == pytest.approx(
        4 * 60 / CJK_CHARACTERS_PER_MINUTE
    )


def test_reading_time_counts_latin_words_beside_chinese():
    text = "先看 WebVTT 字幕再看 HLS 视频"
    expected = 8 * 60 / CJK_CHARACTERS_PER_MINUTE + 2 * 60 / LATIN_WORDS_PER_MINUTE
    assert reading_seconds(text) == pytest.approx(expected)


def test_plain_text_has_what_a_learner_reads_and_nothing_of_videos():
    resident = CharacterFactory(name="王阿姨")
    video = video_row(duration=30, title="不该出现的视频标题")
    lesson = LessonPageFactory(
        script=Script()
        .scene("start", "楼道里", setting="傍晚")
        .dialogue(resident, "谁来管？")
        .decision("怎么办？", [option("开会", consequence="大家来了")] * 2)
        .video(video)
        .key_points(["先议后定"])
        .practice("试一试", "走访三户")
        .build()
    )
    text = script_plain_text(lesson.script)
    for expected in ("楼道里", "傍晚", "王阿姨", "谁来管？", "怎么办？", "开会",
                     "大家来了", "先议后定", "试一试", "走访三户"):  # fmt: skip
        assert expected in text
    assert "不该出现" not in text


def test_estimated_minutes_adds_the_played_clip_and_reading_time():
    video = video_row(duration=300)
    lesson = LessonPageFactory(
        script=Script()
        .video(video, start=60, end=240)
        .narration(TWO_MINUTES_OF_CHINESE)
        .build()
    )
    estimate = lesson_estimate(lesson.script)
    assert estimate.video_seconds == pytest.approx(180)
    assert estimate.reading_seconds == pytest.approx(120)
    assert lesson.estimated_minutes == 5


def test_estimated_minutes_rounds_up_and_uses_the_whole_video_without_a_clip():
    video = video_row(duration=61)
    lesson = LessonPageFactory(script=Script().video(video).build())
    assert lesson.estimated_minutes == 2


def test_a_streamed_video_costs_the_default_rung_for_the_clip_and_hls_js():
    video = video_row(duration=300, mp4_name="v/1/fallback.mp4")
    rendition_row(video, "270p", bandwidth=600_000, size_bytes=15_000_000)
    rendition_row(video, "360p", bandwidth=1_000_000, size_bytes=30_000_000)
    rendition_row(video, "720p", bandwidth=3_000_000, size_bytes=90_000_000)
    lesson = LessonPageFactory(script=Script().video(video, start=60, end=240).build())
    # 180 of the 300 seconds of the 360p stream, and the player script.
    assert lesson.data_cost_bytes == 18_000_000 + player_script_bytes()


def test_the_player_script_counts_as_sent_compressed():
    assert 60_000 < player_script_bytes() < 200_000  # hls.js light, gzipped


def test_a_short_video_costs_its_whole_mp4_and_no_player_script():
    video = video_row(duration=60, mp4_name="v/1/fallback.mp4")
    rendition_row(video, "270p", bandwidth=600_000, size_bytes=5_000_000)
    rendition_row(video, "540p", bandwidth=1_500_000, size_bytes=14_000_000)
    rendition_row(video, "720p", bandwidth=3_000_000, size_bytes=25_000_000)
    # Only 10 s are played, but a browser reads a progressive MP4 ahead: the
    # fallback (a remux of the 540p rung) is fetched whole.
    lesson = LessonPageFactory(script=Script().video(video, start=10, end=20).build())
    assert lesson.data_cost_bytes == 14_000_000


def test_two_streamed_videos_count_the_player_script_once():
    first, second = video_row(duration=300), video_row(duration=200)
    rendition_row(first, "360p", bandwidth=1_000_000, size_bytes=30_000_000)
    rendition_row(second, "360p", bandwidth=1_000_000, size_bytes=20_000_000)
    lesson = LessonPageFactory(script=Script().video(first).video(second).build())
    assert lesson.data_cost_bytes == 50_000_000 + player_script_bytes()


@override_settings(LESSON_DIRECT_MP4_MAX_SECONDS=30)
def test_the_longest_video_played_as_mp4_is_a_setting():
    video = video_row(duration=60, mp4_name="v/1/fallback.mp4")
    rendition_row(video, "360p", bandwidth=1_000_000, size_bytes=8_000_000)
    lesson = LessonPageFactory(script=Script().video(video).build())
    assert lesson.data_cost_bytes == 8_000_000 + player_script_bytes()


def test_data_cost_falls_back_to_bandwidth_when_the_size_is_unknown():
    video = video_row(duration=300)
    rendition_row(video, "360p", bandwidth=1_000_000)
    lesson = LessonPageFactory(script=Script().video(video, end=100).build())
    assert lesson.data_cost_bytes == 100 * 1_000_000 // 8 + player_script_bytes()


def test_data_cost_of_a_small_source_uses_its_largest_rung_below_the_default():
    video = video_row(duration=300)
    rendition_row(video, "270p", bandwidth=600_000, size_bytes=7_000_000)
    lesson = LessonPageFactory(script=Script().video(video).build())
    assert lesson.data_cost_bytes == 7_000_000 + player_script_bytes()


@override_settings(LESSON_DEFAULT_RENDITION="720p")
def test_the_default_rendition_is_a_setting():
    video = video_row(duration=300)
    rendition_row(video, "360p", bandwidth=1_000_000, size_bytes=10_000_000)
    rendition_row(video, "720p", bandwidth=3_000_000, size_bytes=40_000_000)
    lesson = LessonPageFactory(script=Script().video(video).build())
    assert lesson.data_cost_bytes == 40_000_000 + player_script_bytes()


def test_a_video_not_yet_transcoded_is_listed_as_unmeasured():
    video = video_row(duration=100, status="queued")
    lesson = LessonPageFactory(script=Script().video(video).build())
    estimate = lesson_estimate(lesson.script)
    assert (estimate.data_bytes, estimate.unmeasured_videos) == (0, [video])


def test_no_warning_at_exactly_ten_minutes():
    video = video_row(duration=600)
    lesson = LessonPageFactory(script=Script().video(video).build())
    assert lesson_length_warning(lesson_estimate(lesson.script)) is None


def test_warning_past_ten_minutes_names_the_length():
    video = video_row(duration=601)
    lesson = LessonPageFactory(script=Script().video(video).build())
    warning = lesson_length_warning(lesson_estimate(lesson.script))
    assert "11 分钟" in warning and "10 分钟" in warning
