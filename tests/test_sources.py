"""Frame sources on real files made here (cv2.imwrite, cv2.VideoWriter MJPG), live-source
reconnects with a capture whose device really stops, and Picamera2 against a stand-in with its
real method names and array shapes (no camera on this machine)."""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest

from edge_digits.errors import SourceError
from edge_digits.sources import (Backoff, CameraSource, DirectorySource, Frame, ImageFileSource,
                                 VideoFileSource, open_source)

FAST = Backoff(initial=0.001, factor=2.0, maximum=0.004, attempts=3)


# --- frames composed from digit pictures (MNIST test, or drawn without it) ------------------------------------------------

def compose(pictures, indices, height=120, gap=6) -> np.ndarray:
    """Dark digits (``pictures["x_test"]``) on white paper, side by side, as a BGR frame."""
    digits = [255 - pictures["x_test"][i] for i in indices]
    row = np.full((28, (28 + gap) * len(digits) + gap), 255, np.uint8)
    for k, digit in enumerate(digits):
        row[:, gap + k * (28 + gap): gap + k * (28 + gap) + 28] = digit
    scale = height / 28
    gray = cv2.resize(row, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    gray = cv2.copyMakeBorder(gray, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


@pytest.fixture(scope="module")
def frames(digit_pictures):
    """Five different 320x112 BGR frames (two to four digits each)."""
    return [cv2.resize(compose(digit_pictures, range(start, start + 2 + start % 3), height=56), (320, 112),
                       interpolation=cv2.INTER_AREA)
            for start in range(0, 50, 10)]


def write_video(path, frames, fps=10.0):
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def video(tmp_path, frames):
    return write_video(tmp_path / "clip.avi", frames)


def close_to(a: np.ndarray, b: np.ndarray, tolerance: float) -> bool:
    return a.shape == b.shape and float(np.abs(a.astype(float) - b.astype(float)).mean()) < tolerance


# --- still images and directories ----------------------------------------------------------

def test_image_file_yields_one_frame_with_the_pixels(tmp_path, frames):
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    with open_source(str(tmp_path / "a.png")) as source:
        got = list(source)
    assert isinstance(source, ImageFileSource)
    assert len(got) == 1 and got[0].name == "a.png" and got[0].index == 0
    np.testing.assert_array_equal(got[0].image, frames[0])


def test_gray_image_stays_gray(tmp_path, frames):
    gray = cv2.cvtColor(frames[1], cv2.COLOR_BGR2GRAY)
    cv2.imwrite(str(tmp_path / "g.png"), gray)
    (frame,) = open_source(tmp_path / "g.png")
    assert frame.image.ndim == 2 and frame.image.dtype == np.uint8
    np.testing.assert_array_equal(frame.image, gray)


def test_a_drawing_on_a_transparent_canvas_is_ink_on_paper(tmp_path, frames):
    """A PNG drawn on a transparent canvas (black strokes whose alpha is the ink, black
    where transparent) is laid over white: its digits are read, as the web page reads
    it; decoded without its alpha it was black on black and read nothing. A 16-bit PNG
    of the same frame reads the same."""
    from edge_digits import DigitReader

    ink = 255 - cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY)  # white ink on black
    drawing = np.zeros((*ink.shape, 4), np.uint8)
    drawing[:, :, 3] = ink  # black strokes, transparent paper
    cv2.imwrite(str(tmp_path / "drawn.png"), drawing)
    (frame,) = open_source(tmp_path / "drawn.png")
    paper = cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY)
    assert frame.image.shape == frames[0].shape
    assert np.abs(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY).astype(int) - paper).max() <= 1
    deep = (cv2.cvtColor(frames[0], cv2.COLOR_BGR2GRAY).astype(np.uint16) * 257)
    cv2.imwrite(str(tmp_path / "deep.png"), deep)
    (frame16,) = open_source(tmp_path / "deep.png")
    np.testing.assert_array_equal(frame16.image, paper)
    with DigitReader() as reader:
        expected = reader.read(frames[0]).text
        assert expected and reader.read(frame.image).text == expected
        assert reader.read(frame16.image).text == expected
        assert reader.read(cv2.imread(str(tmp_path / "drawn.png"))).text == ""  # alpha dropped


def test_directory_is_read_in_sorted_order_skipping_other_files(tmp_path, frames):
    for k, frame in zip((3, 1, 4, 0, 2), frames):
        cv2.imwrite(str(tmp_path / f"frame_{k}.png"), frame)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".hidden.png").write_bytes(b"")
    with open_source(str(tmp_path)) as source:
        got = list(source)
    assert isinstance(source, DirectorySource)
    assert [f.name for f in got] == [f"frame_{k}.png" for k in range(5)]
    assert [f.index for f in got] == list(range(5))
    np.testing.assert_array_equal(got[3].image, frames[0])  # frame_3.png was frames[0]


def test_frame_is_frozen(tmp_path, frames):
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    (frame,) = open_source(tmp_path / "a.png")
    assert isinstance(frame, Frame) and frame.display is None
    with pytest.raises(AttributeError):
        frame.index = 5


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, b"hello"])
def test_corrupt_image_is_one_clear_source_error(tmp_path, content):
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"cannot decode image .*broken\.png") as info:
        open_source(str(path))
    assert "\n" not in str(info.value)


def test_empty_directory_and_missing_path(tmp_path):
    (tmp_path / "readme.md").write_text("x")
    with pytest.raises(SourceError, match=r"holds no images \(1 entries"):
        open_source(str(tmp_path))
    with pytest.raises(SourceError, match=r"no such file, directory or camera; expected"):
        open_source(str(tmp_path / "nope.png"))
    with pytest.raises(SourceError, match="empty source"):
        open_source("  ")


def test_corrupt_file_inside_a_directory_names_the_file(tmp_path, frames):
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    (tmp_path / "b.png").write_bytes(b"garbage")
    source = open_source(tmp_path)
    iterator = iter(source)
    assert next(iterator).name == "a.png"
    with pytest.raises(SourceError, match=r"b\.png"):
        next(iterator)


def test_unknown_option_is_a_type_error_known_but_inapplicable_is_ignored(tmp_path, frames):
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    with pytest.raises(TypeError, match="unknown option.*bakoff"):
        open_source(tmp_path / "a.png", bakoff=FAST)
    assert len(list(open_source(tmp_path / "a.png", backoff=FAST, lores_size=(320, 240)))) == 1


# --- video files -----------------------------------------------------------------------------

def test_video_yields_every_frame_then_ends(video, frames):
    with open_source(str(video)) as source:
        got = list(source)
    assert isinstance(source, VideoFileSource)
    assert [f.index for f in got] == list(range(len(frames)))
    assert got[2].name == "clip.avi#2"
    # MJPG is lossy: each decoded frame is close to the one written, and far from the others
    for k, frame in enumerate(got):
        assert close_to(frame.image, frames[k], 4.0)
    assert not close_to(got[0].image, frames[1], 4.0)


def test_video_that_cannot_be_opened(tmp_path):
    path = tmp_path / "broken.avi"
    path.write_bytes(b"RIFF\0\0\0\0AVI garbage" * 10)
    with pytest.raises(SourceError, match=r"broken\.avi"):
        open_source(str(path))


def test_unknown_suffix_is_tried_as_image_then_video(tmp_path, frames, video):
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    (tmp_path / "a.png").rename(tmp_path / "frame.dat")
    assert isinstance(open_source(tmp_path / "frame.dat"), ImageFileSource)
    video.rename(tmp_path / "clip.bin")
    assert len(list(open_source(tmp_path / "clip.bin"))) == len(frames)
    (tmp_path / "junk.bin").write_bytes(b"junk")
    with pytest.raises(SourceError, match="as an image or a video"):
        open_source(tmp_path / "junk.bin")


# --- cameras: a capture whose device really stops -------------------------------------------

@dataclass
class Device:
    """A camera played by a real video file: it stops delivering when the file ends."""

    video: object
    available: list = field(default_factory=lambda: [True])  # per-open availability script
    opens: int = 0
    released: int = 0

    def factory(self, target):
        self.opens += 1
        ok = self.available.pop(0) if len(self.available) > 1 else self.available[0]
        capture = cv2.VideoCapture(str(self.video) if ok else "/nonexistent.avi")
        device = self

        class Capture:  # the real capture, counting releases
            def __getattr__(self, name):
                return getattr(capture, name)

            def release(self):
                device.released += 1
                capture.release()

        return Capture()


def test_camera_index_that_does_not_open_is_a_clear_error():
    # No camera on this machine: index 9 cannot open (real cv2.VideoCapture).
    with pytest.raises(SourceError, match=r"^camera 9 could not be opened \(absent"):
        open_source("9")


def test_camera_that_stops_is_reopened_with_backoff_and_says_so(video, frames):
    device = Device(video)
    events = []
    with open_source("0", capture_factory=device.factory, backoff=FAST,
                     on_event=events.append) as camera:
        assert isinstance(camera, CameraSource) and camera.live
        got = []
        for frame in camera:
            got.append(frame)
            if len(got) == 2 * len(frames) + 1:
                break
    n = len(frames)
    assert [f.index for f in got] == list(range(2 * n + 1))
    assert got[n].name == "camera 0#%d" % n
    assert close_to(got[n].image, frames[0], 4.0)  # the reopened device starts again
    assert [e.kind for e in events] == ["lost", "reconnecting", "reconnected"] * 2
    assert events[1].delay == FAST.delay(1) and events[1].attempt == 1
    assert device.opens == 3 and device.released == 3  # closed on break, too


def test_camera_that_does_not_come_back_gives_up_with_a_source_error(video, frames):
    device = Device(video, available=[True, False])
    events = []
    camera = open_source("0", capture_factory=device.factory, backoff=FAST,
                         on_event=events.append)
    with pytest.raises(SourceError, match=r"camera 0 stopped delivering frames and gave up "
                                          r"after 3 reopen attempts"):
        for _ in camera:
            pass
    kinds = [e.kind for e in events]
    assert kinds == ["lost"] + ["reconnecting"] * 3 + ["gave-up"]
    assert [e.delay for e in events[1:4]] == [0.001, 0.002, 0.004]
    assert device.opens == 4 and device.released == device.opens


def test_camera_comes_back_after_failed_attempts(video, frames):
    device = Device(video, available=[True, False, False, True])
    events = []
    got = 0
    for _ in open_source("0", capture_factory=device.factory, backoff=FAST,
                         on_event=events.append):
        got += 1
        if got == len(frames) + 1:
            break
    assert [e.kind for e in events] == ["lost", "reconnecting", "reconnecting",
                                        "reconnecting", "reconnected"]
    assert events[-1].attempt == 3


def test_without_backoff_a_stopped_camera_ends_the_stream(video, frames):
    device = Device(video)
    got = list(open_source("0", capture_factory=device.factory, backoff=None))
    assert len(got) == len(frames) and device.released == 1


def test_stop_event_ends_a_backoff_wait_cleanly(video, frames):
    device = Device(video, available=[True, False])
    stop = threading.Event()
    events = []

    def on_event(event):
        events.append(event)
        if event.kind == "reconnecting":
            stop.set()  # e.g. the service's SIGTERM handler, while waiting

    slow = Backoff(initial=30.0, maximum=60.0, attempts=0)
    got = list(open_source("0", capture_factory=device.factory, backoff=slow,
                           on_event=on_event, stop=stop))
    assert len(got) == len(frames)  # no 30 s wait: the stream ended when stop was set
    assert [e.kind for e in events] == ["lost", "reconnecting"]


def test_ctrl_c_while_reading_releases_the_camera(video):
    device = Device(video)
    camera = open_source("0", capture_factory=device.factory)
    with pytest.raises(KeyboardInterrupt):
        with camera:
            for frame in camera:
                raise KeyboardInterrupt
    assert device.released == 1


def test_camera_that_opens_but_delivers_nothing(tmp_path):
    empty = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    writer.release()

    class Opened:  # opens (like a busy V4L2 node) but read() fails
        def isOpened(self):
            return True

        def read(self):
            return False, None

        def release(self):
            pass

    with pytest.raises(SourceError, match="opened but delivered no frame"):
        open_source("0", capture_factory=lambda target: Opened())


def test_backoff_validates_and_grows():
    assert [Backoff(0.5, 2.0, 3.0).delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="factor=0.5"):
        Backoff(factor=0.5)
    with pytest.raises(ValueError, match="attempts=-1"):
        Backoff(attempts=-1)


# --- Picamera2, against a stand-in with its real method names and array shapes ----------

@dataclass
class World:
    """What the camera sees and which faults happen, shared by every Picamera2 instance."""

    scene: np.ndarray  #: BGR image the sensor "sees"; scaled to each stream's size
    cameras: int = 1  #: how many cameras are attached
    busy_opens: int = 0  #: the next N constructions fail as "busy"
    fail_after: int | None = None  #: captures fail once this many frames were delivered
    failures: int | None = None  #: ... this many times, then work again (None: for ever)
    frames_delivered: int = 0
    instances: list = field(default_factory=list)
    configs: list = field(default_factory=list)

    def make_class(self) -> type:
        world = self

        class Picamera2(StandInPicamera2):
            def __init__(self, camera_num: int = 0) -> None:
                super().__init__(world, camera_num)

        return Picamera2


class StandInPicamera2:
    def __init__(self, world: World, camera_num: int = 0) -> None:
        if camera_num >= world.cameras:
            raise IndexError("list index out of range")
        if world.busy_opens > 0:
            world.busy_opens -= 1
            raise RuntimeError("Failed to acquire camera: Device or resource busy")
        self.world = world
        self.camera_num = camera_num
        self.camera_config = None
        self.started = False
        self.closed = False
        self.stop_calls = 0
        world.instances.append(self)

    # -- configurations ----------------------------------------------------------------------
    def _configuration(self, use_case, main=None, lores=None, raw=None, transform=None,
                       colour_space=None, buffer_count=4, controls=None, display="main",
                       encode="main", queue=True, sensor=None):
        main = {"format": "XBGR8888", "size": (640, 480), **(main or {})}
        config = {"use_case": use_case, "main": main, "buffer_count": buffer_count,
                  "controls": dict(controls or {}), "queue": queue}
        if lores is not None:
            config["lores"] = {"format": "YUV420", "size": main["size"], **lores}
        return config

    def create_preview_configuration(self, main=None, lores=None, **kwargs):
        return self._configuration("preview", main, lores, **kwargs)

    def create_still_configuration(self, main=None, lores=None, **kwargs):
        kwargs.setdefault("buffer_count", 1)
        return self._configuration("still", main, lores, **kwargs)

    def create_video_configuration(self, main=None, lores=None, **kwargs):
        kwargs.setdefault("buffer_count", 6)
        return self._configuration("video", main, lores, **kwargs)

    def configure(self, config) -> None:
        if self.started:
            raise RuntimeError("Camera must be stopped before configuring")
        for name in ("main", "lores"):
            if name in config:
                stream = config[name]
                width, _ = stream["size"]
                if stream["format"] == "YUV420":
                    stream["stride"] = (width + 63) // 64 * 64
                else:
                    stream["stride"] = width * (4 if "8888" in stream["format"] else 3)
        self.camera_config = config
        self.world.configs.append(config)

    def start(self) -> None:
        if self.camera_config is None:
            raise RuntimeError("Camera has not been configured")
        self.started = True

    def stop(self) -> None:
        self.stop_calls += 1
        self.started = False

    def close(self) -> None:
        self.started = False
        self.closed = True

    # -- captures ----------------------------------------------------------------------------
    def _array(self, name: str) -> np.ndarray:
        stream = self.camera_config[name]
        width, height = stream["size"]
        bgr = cv2.resize(self.world.scene, (width, height), interpolation=cv2.INTER_AREA)
        if stream["format"] == "YUV420":
            i420 = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)  # (h * 3 // 2, w)
            padded = np.zeros((height * 3 // 2, stream["stride"]), np.uint8)
            padded[:, :width] = i420
            padded[:, width:] = 77  # padding bytes are garbage on a real Pi
            return padded
        if stream["format"] == "XRGB8888":
            return np.dstack([bgr, np.full(bgr.shape[:2], 255, np.uint8)])  # B,G,R,X
        if stream["format"] == "RGB888":
            return bgr.copy()
        raise RuntimeError("Format " + stream["format"] + " not supported")

    def _deliver(self) -> None:
        if not self.started:
            raise RuntimeError("Camera is not running")
        world = self.world
        if world.fail_after is not None and world.frames_delivered >= world.fail_after:
            if world.failures is not None:
                world.failures -= 1
                if world.failures <= 0:
                    world.fail_after = None
            raise TimeoutError("Camera frontend has timed out!")
        world.frames_delivered += 1

    def capture_array(self, name: str = "main", wait=None) -> np.ndarray:
        self._deliver()
        return self._array(name)

    def capture_arrays(self, names=None, wait=None):
        names = names or ["main"]
        self._deliver()
        return [self._array(name) for name in names], {"SensorTimestamp": 0}


@pytest.fixture
def world(frames):
    scene = cv2.resize(frames[2], (640, 480))
    scene[:, :, 0] //= 2  # a yellowish paper: B differs from R, so a channel swap shows
    return World(scene=scene)


def test_picamera2_is_imported_only_when_asked_for(tmp_path, frames, video, monkeypatch):
    import sys

    attempts = []

    class Recorder:  # a meta path finder that records import attempts and finds nothing
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "picamera2":
                attempts.append(name)
            return None

    monkeypatch.delitem(sys.modules, "picamera2", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Recorder(), *sys.meta_path])
    cv2.imwrite(str(tmp_path / "a.png"), frames[0])
    for spec in (tmp_path / "a.png", tmp_path, video):
        list(open_source(spec))
    with pytest.raises(SourceError):
        open_source("9")
    assert attempts == []
    with pytest.raises(SourceError):
        open_source("picamera2")  # not installed on this machine
    assert attempts == ["picamera2"]


def test_picamera2_missing_is_a_clear_error(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "picamera2", None)  # import picamera2 -> ImportError
    with pytest.raises(SourceError, match=r"picamera2 was asked for but cannot be imported.*"
                                          r"apt install -y python3-picamera2"):
        open_source("picamera2")


def test_picamera2_reads_the_lores_y_plane_and_keeps_stride_padding_out(world):
    with open_source("picamera2", picamera2_class=world.make_class(),
                     lores_size=(320, 240), main_size=(640, 480)) as camera:
        frame = next(iter(camera))
        instance = world.instances[0]
        config = instance.camera_config
        assert config["use_case"] == "preview"
        assert config["lores"]["format"] == "YUV420" and config["lores"]["size"] == (320, 240)
        assert config["main"]["format"] == "XRGB8888" and config["main"]["size"] == (640, 480)
    assert frame.image.shape == (240, 320) and frame.image.flags.c_contiguous
    assert frame.display is None and frame.name == "picamera2 0#0"
    # The Y plane is the grayscale of the scene: BT.601 luma, here in limited range 16..235
    # (OpenCV's I420, like a Rec.709 video configuration; sYCC previews are full range)
    gray = cv2.cvtColor(cv2.resize(world.scene, (320, 240), interpolation=cv2.INTER_AREA),
                        cv2.COLOR_BGR2GRAY)
    assert close_to(frame.image, (16 + gray * (219 / 255)).round().astype(np.uint8), 1.0)
    assert not close_to(frame.image, np.rot90(gray, 2), 5.0)
    assert instance.stop_calls == 1 and instance.closed


def test_picamera2_odd_width_stride_padding_is_cropped(world):
    # 300 is not a multiple of 64: rows are padded to a 320-byte stride with junk (77)
    camera = open_source("picamera2", picamera2_class=world.make_class(),
                         lores_size=(300, 224), main_size=(640, 480))
    frame = next(iter(camera))
    camera.close()
    assert world.instances[0].camera_config["lores"]["stride"] == 320
    assert frame.image.shape == (224, 300)
    assert not (frame.image[:, -4:] == 77).all()


def test_picamera2_with_main_gives_bgr_display_from_the_same_request(world):
    with open_source("picamera2", picamera2_class=world.make_class(), with_main=True,
                     lores_size=(320, 240), main_size=(640, 480)) as camera:
        frames_read = list(itertools.islice(camera, 3))
    display = frames_read[0].display
    assert display.shape == (480, 640, 3) and display.flags.c_contiguous
    # XRGB8888 arrives as B,G,R,X: dropping X must give back the BGR scene, not RGB
    np.testing.assert_array_equal(display, world.scene)
    assert not np.array_equal(display, world.scene[:, :, ::-1])
    assert world.frames_delivered == 3  # one request per frame, both streams from it


def test_picamera2_sizes_are_validated(world):
    cls = world.make_class()
    with pytest.raises(SourceError, match="must not exceed main_size"):
        open_source("picamera2", picamera2_class=cls, lores_size=(800, 600),
                    main_size=(640, 480))
    with pytest.raises(SourceError, match=r"lores_size: received 321x240; expected even"):
        open_source("picamera2", picamera2_class=cls, lores_size=(321, 240))
    with pytest.raises(SourceError, match="main_format"):
        open_source("picamera2", picamera2_class=cls, main_format="YUV420")
    with pytest.raises(SourceError, match="picamera2:N"):
        open_source("picamera2:x", picamera2_class=cls)


def test_picamera2_absent_and_busy_camera(world):
    cls = world.make_class()
    with pytest.raises(SourceError, match=r"picamera2 1 could not be opened: list index out "
                                          r"of range \(no camera connected"):
        open_source("picamera2:1", picamera2_class=cls)
    world.busy_opens = 1
    with pytest.raises(SourceError, match="Device or resource busy"):
        open_source("picamera2", picamera2_class=cls)


def test_picamera2_that_times_out_is_reopened_and_says_so(world):
    world.fail_after = 2
    world.busy_opens = 0
    events = []

    def on_event(event):
        events.append(event)
        if event.kind == "reconnecting" and event.attempt == 1:
            world.busy_opens = 1  # the first reopen finds the camera still busy
        if event.kind == "reconnected":
            world.fail_after = None  # then it recovers

    got = []
    with open_source("picamera2", picamera2_class=world.make_class(), backoff=FAST,
                     on_event=on_event) as camera:
        for frame in camera:
            got.append(frame.index)
            if len(got) == 5:
                break
    assert got == [0, 1, 2, 3, 4]
    assert [e.kind for e in events] == ["lost", "reconnecting", "reconnecting", "reconnected"]
    first, second = world.instances
    assert first.closed and first.stop_calls == 1 and second.closed


def test_picamera2_that_reopens_but_never_delivers_backs_off_and_gives_up(world):
    # Opening works every time, capturing never does: the outage must not restart at the
    # first delay after each successful reopen, and attempts must run out.
    world.fail_after = 0
    events = []
    camera = open_source("picamera2", picamera2_class=world.make_class(), backoff=FAST,
                         on_event=events.append)
    with pytest.raises(SourceError, match="gave up after 3 reopen attempts"):
        list(camera)
    reconnecting = [e for e in events if e.kind == "reconnecting"]
    assert [e.attempt for e in reconnecting] == [1, 2, 3]
    assert [e.delay for e in reconnecting] == [0.001, 0.002, 0.004]
    assert all(instance.closed for instance in world.instances)


def test_one_parser_names_every_kind_of_spec(tmp_path):
    from edge_digits.sources import is_live, parse_spec

    image = tmp_path / "a.png"
    cv2.imwrite(str(image), np.zeros((8, 8), np.uint8))
    (tmp_path / "clip.avi").write_bytes(b"")
    (tmp_path / "blob.xyz").write_bytes(b"")
    kinds = {"": "empty", "picamera2": "picamera2", "picamera2:1": "picamera2",
             "3": "camera", "rtsp://host/1": "stream", str(tmp_path): "directory",
             str(image): "image", str(tmp_path / "clip.avi"): "video",
             str(tmp_path / "blob.xyz"): "file", str(tmp_path / "none.png"): "missing"}
    for spec, kind in kinds.items():
        parsed = parse_spec(spec)
        assert parsed.kind == kind, spec
        assert is_live(spec) == (kind in ("picamera2", "camera", "stream")) == parsed.live
    assert parse_spec(" picamera2:1 ").target == "1" and parse_spec("3").target == 3


def test_picamera_module_imports_without_a_cycle():
    import subprocess
    import sys

    # imported first, on its own: the old picamera_source <-> sources cycle broke this order
    code = ("import edge_digits.sources.picamera as p, edge_digits.sources as s; "
            "assert issubclass(p.Picamera2Source, s.LiveSource); "
            "assert s.Picamera2Source is p.Picamera2Source")
    subprocess.run([sys.executable, "-c", code], check=True)
