"""wagtailmedia's admin screens with the transcode status, retry and captions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media.models import Video, VideoCaption
from tests.factories import neighbourhood, superuser, supervisor, trainer
from tests.media.factories import ReadyVideoFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer_client(client):
    client.force_login(trainer())
    return client


def _upload(path, content_type="video/mp4"):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)


def test_upload_of_a_broken_file_shows_the_reason(trainer_client, broken_clip):
    response = trainer_client.post(
        reverse("wagtailmedia:add", args=("video",)),
        {"title": "坏文件", "file": _upload(broken_clip)},
    )
    assert response.status_code == 200  # the form again, with the reason
    errors = response.context["form"].errors["file"]
    assert errors and errors[0].strip()
    assert errors[0] in response.content.decode()
    assert not Video.objects.exists()


def test_upload_of_a_good_file_queues_the_transcode(
    trainer_client, tiny_clip, transcode_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(
            reverse("wagtailmedia:add", args=("video",)),
            {"title": "楼组众筹", "file": _upload(tiny_clip)},
        )
    assert response.status_code == 302
    video = Video.objects.get()
    assert (video.status, video.width, video.height) == ("queued", 160, 120)
    assert transcode_queue.video_ids() == [video.pk]


def test_listing_shows_status_progress_and_reason(trainer_client):
    VideoFactory(title="转码中的视频", status=Video.Status.PROCESSING, progress=42)
    VideoFactory(title="坏视频", status=Video.Status.FAILED, error="文件中没有画面。")
    html = trainer_client.get(reverse("wagtailmedia:index")).content.decode()
    assert "42%" in html
    assert "文件中没有画面。" in html
    assert 'data-video-status="failed"' in html


def test_edit_page_shows_status_retry_and_caption_form(trainer_client):
    video = VideoFactory(status=Video.Status.FAILED, error="转码超时。")
    html = trainer_client.get(reverse("wagtailmedia:edit", args=(video.pk,))).content
    html = html.decode()
    assert "转码超时。" in html
    assert reverse("media_admin:retry", args=(video.pk,)) in html
    assert reverse("media_admin:caption_upload", args=(video.pk,)) in html


def test_retry_requeues_a_failed_video(
    trainer_client, transcode_queue, django_capture_on_commit_callbacks
):
    video = VideoFactory(status=Video.Status.FAILED, error="x", attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = trainer_client.post(reverse("media_admin:retry", args=(video.pk,)))
    assert response.status_code == 302
    video.refresh_from_db()
    assert (video.status, video.error, video.attempts) == ("queued", "", 0)
    assert transcode_queue.video_ids() == [video.pk]


def test_retry_needs_post(trainer_client):
    video = VideoFactory(status=Video.Status.FAILED)
    response = trainer_client.get(reverse("media_admin:retry", args=(video.pk,)))
    assert response.status_code == 405
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED


def test_retry_is_refused_without_change_permission(client, transcode_queue):
    video = VideoFactory(status=Video.Status.FAILED)
    client.force_login(supervisor(org_unit=neighbourhood()))
    response = client.post(reverse("media_admin:retry", args=(video.pk,)))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/" in response["Location"]
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED
    assert len(transcode_queue) == 0


def test_retry_of_a_ready_video_changes_nothing(trainer_client, transcode_queue):
    video = ReadyVideoFactory()
    trainer_client.post(reverse("media_admin:retry", args=(video.pk,)))
    video.refresh_from_db()
    assert video.status == Video.Status.READY
    assert len(transcode_queue) == 0


def test_srt_caption_is_stored_as_webvtt(trainer_client):
    video = ReadyVideoFactory()
    srt = "1\n00:00:01,000 --> 00:00:02,500\n大家好\n".encode()
    response = trainer_client.post(
        reverse("media_admin:caption_upload", args=(video.pk,)),
        {"language": "zh-hans", "file": SimpleUploadedFile("zh.srt", srt)},
    )
    assert response.status_code == 302
    caption = video.captions.get()
    text = caption.file.read().decode()
    assert text.startswith("WEBVTT")
    assert "00:00:01.000 --> 00:00:02.500" in text
    assert caption.file.name.endswith(".vtt")


def test_broken_caption_is_refused_with_the_wrong_line(trainer_client):
    video = ReadyVideoFactory()
    srt = "1\n00:00:01,000 --> 00:00:02,500\n大家好\n\n2\n00:00:03 -> 4\n楼组\n"
    response = trainer_client.post(
        reverse("media_admin:caption_upload", args=(video.pk,)),
        {"language": "zh-hans", "file": SimpleUploadedFile("zh.srt", srt.encode())},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("第 6 行" in m for m in messages), messages
    assert not video.captions.exists()


def test_caption_upload_needs_change_permission(client):
    video = ReadyVideoFactory()
    client.force_login(supervisor(org_unit=neighbourhood()))
    srt = "1\n00:00:01,000 --> 00:00:02,500\n大家好\n".encode()
    client.post(
        reverse("media_admin:caption_upload", args=(video.pk,)),
        {"language": "zh-hans", "file": SimpleUploadedFile("zh.srt", srt)},
    )
    assert not VideoCaption.objects.exists()


def test_captions_list_chinese_first(django_capture_on_commit_callbacks):
    video = ReadyVideoFactory()
    from media.services import caption_attach

    for language in ("en", "zh-hans"):
        caption_attach(
            video=video,
            language=language,
            file=SimpleUploadedFile(
                "c.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"
            ),
        )
    assert [c.language for c in video.captions.all()] == ["zh-hans", "en"]


def test_superuser_sees_the_listing(client):
    client.force_login(superuser())
    VideoFactory(title="任何视频")
    assert client.get(reverse("wagtailmedia:index")).status_code == 200


def test_status_endpoint_reports_progress_of_editable_videos(trainer_client):
    busy = VideoFactory(status=Video.Status.PROCESSING, progress=37)
    failed = VideoFactory(status=Video.Status.FAILED, error="坏了")
    response = trainer_client.get(
        reverse("media_admin:statuses"), {"id": [busy.pk, failed.pk, 999999]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json()["videos"] == [
        {"id": busy.pk, "status": "processing", "label": "转码中", "progress": 37,
         "error": ""},
        {"id": failed.pk, "status": "failed", "label": "失败", "progress": 0,
         "error": "坏了"},
    ]  # fmt: skip


def test_status_endpoint_hides_videos_the_viewer_cannot_change(client):
    video = VideoFactory(status=Video.Status.PROCESSING, progress=37)
    client.force_login(supervisor(org_unit=neighbourhood()))
    response = client.get(reverse("media_admin:statuses"), {"id": [video.pk]})
    if response.status_code == 200:  # supervisors reach the admin but edit no media
        assert response.json() == {"videos": []}
    else:
        assert response.status_code in (302, 403)


def test_status_endpoint_needs_a_login(client):
    video = VideoFactory()
    response = client.get(reverse("media_admin:statuses"), {"id": [video.pk]})
    assert response.status_code == 302


def test_edit_page_lists_renditions_and_captions(trainer_client):
    from tests.media.factories import VideoCaptionFactory

    caption = VideoCaptionFactory(label="中文字幕")
    video = caption.video
    html = trainer_client.get(reverse("wagtailmedia:edit", args=(video.pk,))).content
    html = html.decode()
    assert "270p" in html and "360p" in html
    assert "中文字幕" in html and caption.url in html
    assert reverse("media_admin:caption_remove", args=(video.pk, caption.pk)) in html
    assert reverse("media_admin:retry", args=(video.pk,)) not in html  # not failed


def test_caption_remove_deletes_the_track(trainer_client):
    from tests.media.factories import VideoCaptionFactory

    caption = VideoCaptionFactory()
    response = trainer_client.post(
        reverse("media_admin:caption_remove", args=(caption.video_id, caption.pk))
    )
    assert response.status_code == 302
    assert not VideoCaption.objects.filter(pk=caption.pk).exists()


def test_retry_without_a_csrf_token_is_refused():
    from django.test import Client

    video = VideoFactory(status=Video.Status.FAILED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer())
    response = client.post(reverse("media_admin:retry", args=(video.pk,)))
    assert response.status_code == 403
    video.refresh_from_db()
    assert video.status == Video.Status.FAILED


def test_caption_upload_is_refused_without_change_permission(client):
    video = ReadyVideoFactory()
    client.force_login(supervisor(org_unit=neighbourhood()))
    vtt = SimpleUploadedFile(
        "zh.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xe4\xbd\xa0\n"
    )
    response = client.post(
        reverse("media_admin:caption_upload", args=(video.pk,)),
        {"language": "zh-hans", "label": "中文", "file": vtt},
    )
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/" in response["Location"]
    assert not VideoCaption.objects.filter(video=video).exists()


def test_caption_removal_is_refused_without_change_permission(client):
    from tests.media.factories import VideoCaptionFactory

    caption = VideoCaptionFactory()
    client.force_login(supervisor(org_unit=neighbourhood()))
    response = client.post(
        reverse("media_admin:caption_remove", args=(caption.video_id, caption.pk))
    )
    assert response.status_code in (302, 403)
    assert VideoCaption.objects.filter(pk=caption.pk).exists()
