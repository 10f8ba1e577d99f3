"""Transcode benchmark: this pipeline vs one ffmpeg per output vs decoding alone.

    .venv/bin/python bench/transcode.py [--runs 3] [--duration 60]

Generates (once, under var/bench/) a noisy 1080p30 phone-like source, then runs,
interleaved so that load on this shared machine hits all three alike:
- this pipeline: probe_media + transcode_media (one ffmpeg process: one decode,
  split to every rung and the poster; the MP4 fallback remuxed from a rung);
- the naive pipeline: one ffmpeg per output (each rung, the MP4 fallback encoded
  on its own, the poster), with the same filters and encoder settings;
- decoding alone.
It prints the median of the runs: wall and CPU seconds, the realtime factor,
bytes per minute of the lowest rung, SSIM of the 720p rung against the source,
and the ratios against the goals.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ffmpeg  # noqa: E402

from media.ffmpeg.formats import file_url, untrusted_input_options  # noqa: E402
from media.ffmpeg.ladder import plan_ladder  # noqa: E402
from media.ffmpeg.probe import MediaLimits, probe_media  # noqa: E402
from media.ffmpeg.process import run_process  # noqa: E402
from media.ffmpeg.transcode import (  # noqa: E402
    FALLBACK_MAX_SHORT_SIDE,
    POSTER_LONG_SIDE,
    POSTER_QUALITY,
    audio_chain,
    audio_encoder_options,
    command_line,
    hls_output,
    make_fallback,
    output_frame_rate,
    scaled_video,
    transcode_media,
    video_encoder_options,
)

LIMITS = MediaLimits(
    max_duration=1800, max_width=3840, max_height=2160, max_bytes=4 * 1024**3
)
TIMEOUT = 3600
# The binaries the pipeline is configured with (the same variables as settings).
FFMPEG = os.environ.get("FFMPEG_BINARY", "ffmpeg")
FFPROBE = os.environ.get("FFPROBE_BINARY", "ffprobe")
GOAL_WALL_RATIO = 0.65
GOAL_DECODE_RATIO = 5.0
GOAL_SSIM_LOSS = 0.005


def make_source(path: Path, duration: int) -> Path:
    """1080p30 test pattern with temporal noise (sensor grain), ~16 Mbit/s High
    profile like a phone's hardware encoder, with a tone over background noise."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {duration} s 1080p30 source at {path} ...", flush=True)
    partial = path.with_suffix(".partial.mp4")
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000",
            "-f", "lavfi", "-i", "anoisesrc=amplitude=0.03:sample_rate=48000",
            "-filter_complex",
            "[0:v]noise=alls=14:allf=t+u[v];[1:a][2:a]amix=inputs=2[a]",
            "-map", "[v]", "-map", "[a]", "-t", str(duration),
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
            "-pix_fmt", "yuv420p", "-b:v", "16M", "-maxrate", "20M",
            "-bufsize", "20M", "-g", "60", "-c:a", "aac", "-b:a", "128k",
            "-ac", "2", str(partial),
        ],
        check=True,
    )  # fmt: skip
    partial.rename(path)
    return path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(job):
    cpu, wall = children_cpu(), time.perf_counter()
    job()
    return time.perf_counter() - wall, children_cpu() - cpu


def run(argv: list[str]) -> None:
    result = run_process(argv, timeout=TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr}")


def this_pipeline(source: Path, out: Path) -> None:
    probe = probe_media(source, limits=LIMITS, expect="video", ffprobe=FFPROBE)
    transcode_media(
        source=source, probe=probe, out_dir=out, timeout=TIMEOUT, ffmpeg_binary=FFMPEG
    )


def naive_pipeline(source: Path, out: Path, probe) -> None:
    """One ffmpeg per output, each decoding the source again."""
    rungs = plan_ladder(probe)
    rate = output_frame_rate(probe)

    def upload(**extra):
        options = untrusted_input_options(max_streams=8, demuxer=probe.format_name)
        return ffmpeg.input(file_url(source), **options, **extra)

    for rung in rungs:
        (out / rung.name).mkdir(parents=True, exist_ok=True)
        src = upload()
        video = scaled_video(
            src[str(probe.video_index)].filter("fps", fps=str(rate)), rung
        )
        run(
            command_line(
                hls_output(out, rung, video, audio_chain(src, probe), probe),
                ffmpeg_binary=FFMPEG,
            )
        )

    fallback = max(
        (r for r in rungs if min(r.width, r.height) <= FALLBACK_MAX_SHORT_SIDE),
        key=lambda r: r.bandwidth,
    )
    src = upload()
    video = scaled_video(
        src[str(probe.video_index)].filter("fps", fps=str(rate)), fallback
    )
    run(
        command_line(
            ffmpeg.output(
                video, audio_chain(src, probe), str(out / "fallback.mp4"),
                **video_encoder_options(fallback, probe),
                **audio_encoder_options(fallback), movflags="+faststart",
            ),
            ffmpeg_binary=FFMPEG,
        )
    )  # fmt: skip

    at = min(3.0, probe.duration * 0.25)
    long = min(max(probe.width, probe.height), POSTER_LONG_SIDE)
    size = (long, -2) if probe.width >= probe.height else (-2, long)
    frame = upload(ss=f"{at:.3f}")[str(probe.video_index)].filter("scale", *size)
    run(
        command_line(
            ffmpeg.output(
                frame, str(out / "poster.jpg"),
                **{"frames:v": "1", "q:v": POSTER_QUALITY, "format": "image2",
                   "update": "1"},
            ),
            ffmpeg_binary=FFMPEG,
        )
    )  # fmt: skip


def decode_only(source: Path, probe) -> None:
    run(
        [
            FFMPEG, "-hide_banner", "-nostdin", "-v", "error",
            *sum(([f"-{k}", v] for k, v in untrusted_input_options(
                max_streams=8, demuxer=probe.format_name).items()), []),
            "-i", file_url(source), "-map", "0:v:0", "-map", "0:a:0",
            "-f", "null", "-",
        ]
    )  # fmt: skip


def ssim(rendition: Path, source: Path, width: int, height: int) -> float:
    """SSIM (All) of a rung against the source scaled to the rung's size."""
    graph = (
        "[0:v]setpts=PTS-STARTPTS[d];"
        f"[1:v]scale={width}:{height}:flags=bicubic,setpts=PTS-STARTPTS[r];"
        "[d][r]ssim"
    )
    log = subprocess.run(
        [
            FFMPEG, "-hide_banner", "-nostdin", "-nostats",
            "-protocol_whitelist", "file", "-i", str(rendition),
            "-i", str(source), "-lavfi", graph, "-f", "null", "-",
        ],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    return float(re.findall(r"All:([\d.]+)", log)[-1])


def lowest_rung_bytes_per_minute(out: Path, duration: float) -> float:
    rungs = sorted(
        (d for d in out.iterdir() if d.is_dir()), key=lambda d: int(d.name[:-1])
    )
    size = sum(f.stat().st_size for f in rungs[0].iterdir())
    return size / duration * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=60)
    args = parser.parse_args()

    source = make_source(
        ROOT / "var" / "bench" / f"phone-1080p30-{args.duration}s.mp4", args.duration
    )
    probe = probe_media(source, limits=LIMITS, expect="video", ffprobe=FFPROBE)
    rungs = plan_ladder(probe)
    print(
        f"source: {probe.width}x{probe.height} {probe.frame_rate:g} fps "
        f"{probe.duration:.1f} s, {source.stat().st_size / 1e6:.1f} MB; "
        f"rungs: {', '.join(r.name for r in rungs)}; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start",
        flush=True,
    )

    results: dict[str, list[tuple[float, float]]] = {
        "this pipeline": [], "naive (one ffmpeg per output)": [], "decode only": [],
    }  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="bench-transcode-"))
    ours_out = naive_out = None
    try:
        for i in range(args.runs):
            ours_out = work / f"ours-{i}"
            naive_out = work / f"naive-{i}"
            jobs = (
                ("this pipeline", this_pipeline, (source, ours_out)),
                ("naive (one ffmpeg per output)", naive_pipeline,
                 (source, naive_out, probe)),
                ("decode only", decode_only, (source, probe)),
            )  # fmt: skip
            for name, function, job_args in jobs:
                wall, cpu = measured(lambda f=function, a=job_args: f(*a))
                results[name].append((wall, cpu))
                print(f"  run {i + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU",
                      flush=True)  # fmt: skip
            if i < args.runs - 1:
                shutil.rmtree(ours_out)
                shutil.rmtree(naive_out)

        fallback_wall, _ = measured(
            lambda: make_fallback(
                ours_out,
                _renditions(ours_out, rungs),
                audio_only=False,
                timeout=TIMEOUT,
                ffmpeg_binary=FFMPEG,
            )
        )
        top = rungs[-1]
        ssim_ours = ssim(ours_out / top.name / "index.m3u8", source, top.width,
                         top.height)  # fmt: skip
        ssim_naive = ssim(naive_out / top.name / "index.m3u8", source, top.width,
                          top.height)  # fmt: skip
        bpm_ours = lowest_rung_bytes_per_minute(ours_out, probe.duration)
        bpm_naive = lowest_rung_bytes_per_minute(naive_out, probe.duration)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {
        name: (
            statistics.median(w for w, _ in runs),
            statistics.median(c for _, c in runs),
        )
        for name, runs in results.items()
    }
    print(f"\nmedian of {args.runs} interleaved runs, {probe.duration:.0f} s source:")
    print(f"{'':32}{'wall s':>9}{'CPU s':>9}{'realtime x':>12}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:32}{wall:9.1f}{cpu:9.1f}{probe.duration / wall:12.2f}")
    ours = medians["this pipeline"][0]
    naive = medians["naive (one ffmpeg per output)"][0]
    decode = medians["decode only"][0]
    print(f"\nlowest rung ({rungs[0].name}) bytes per minute: "
          f"this {bpm_ours / 1e6:.2f} MB, naive {bpm_naive / 1e6:.2f} MB")  # fmt: skip
    print(f"SSIM of the {top.name} rung vs source: this {ssim_ours:.4f}, "
          f"naive {ssim_naive:.4f}")  # fmt: skip
    print(f"MP4 fallback remux of a rung: {fallback_wall:.2f} s")
    print("\ngoals:")
    _goal(f"wall vs naive {ours / naive:.2f}x", ours / naive <= GOAL_WALL_RATIO,
          f"<= {GOAL_WALL_RATIO}")  # fmt: skip
    _goal(f"wall vs decode only {ours / decode:.2f}x",
          ours / decode <= GOAL_DECODE_RATIO, f"<= {GOAL_DECODE_RATIO}")  # fmt: skip
    _goal(f"SSIM loss vs naive {ssim_naive - ssim_ours:+.4f}",
          ssim_naive - ssim_ours <= GOAL_SSIM_LOSS, f"<= {GOAL_SSIM_LOSS}")  # fmt: skip
    print(
        f"(load average at the end: {os.getloadavg()[0]:.2f}; this machine is shared)"
    )


def _renditions(out: Path, rungs):
    from media.ffmpeg.transcode import RenditionOutput

    return [
        RenditionOutput(rung=r, playlist=f"{r.name}/index.m3u8", size_bytes=0)
        for r in rungs
    ]


def _goal(label: str, met: bool, target: str) -> None:
    print(f"  {label} (goal {target}): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
