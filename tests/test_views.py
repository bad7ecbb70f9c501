"""The other views of an unsure digit, upright and drawn with a broader pen
(:mod:`edge_digits.views`, ``ReadOptions.upright_view``, ``upright_below`` and
``thick_view``), on real digits: MNIST's and FEMNIST's test writers, and the real sudoku
photos' handwritten cells."""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.classify import DigitClassifier
from edge_digits.read import DigitReader, ReadOptions
from edge_digits.results import Box
from edge_digits.views import averaged, thickened, turned
from tests import sets
from tests.scoring import score


def _bar() -> np.ndarray:
    """A vertical stroke through the patch's centre, as normalize_digit makes a '1'."""
    patch = np.zeros((28, 28), np.uint8)
    patch[4:24, 13:15] = 255
    return patch


def test_turned_is_counter_clockwise_about_the_centre():
    bar = turned(_bar()[None], 8.0)[0]
    top, bottom = bar[4:9], bar[19:24]
    columns = np.arange(28)
    x_top = (top.sum(axis=0) * columns).sum() / top.sum()
    x_bottom = (bottom.sum(axis=0) * columns).sum() / bottom.sum()
    # counter-clockwise on the screen: the top goes left, the bottom right, by about
    # tan(8 degrees) x 7.5 rows ~ 1 pixel each way; the ink stays where it was on average
    assert x_top < 13.5 < x_bottom and 1.5 < x_bottom - x_top < 3.0
    assert abs(bar.sum() / 255 - 40) < 4  # no ink lost or made


def test_turned_keeps_shape_and_type_and_takes_no_patches():
    patches = np.stack([_bar(), np.zeros((28, 28), np.uint8)])
    out = turned(patches, -5.0)
    assert out.shape == patches.shape and out.dtype == np.uint8 and not out[1].any()
    assert turned(patches[:0], 8.0).shape == (0, 28, 28)
    assert np.array_equal(turned(patches, 0.0), patches)


def test_thickened_widens_each_stroke_by_one_pixel_and_keeps_the_patch():
    bar = _bar()  # two columns wide, 20 rows tall
    wide = thickened(np.stack([bar, np.zeros_like(bar)]), 2)
    assert wide.shape == (2, 28, 28) and wide.dtype == np.uint8 and not wide[1].any()
    rows, columns = np.nonzero(wide[0])
    assert (rows.min(), rows.max(), columns.min(), columns.max()) == (4, 24, 13, 15)
    assert np.array_equal(wide[0][4:24, 13:15], bar[4:24, 13:15])  # ink stays ink
    # strokes widen towards the right and the bottom: at those borders they stay as they are
    edge = np.zeros((1, 28, 28), np.uint8)
    edge[0, :, 26:] = 200
    edge[0, 27, :26] = 90
    assert np.array_equal(thickened(edge, 2), edge)
    for size in (0, 1):
        same = thickened(bar[None], size)
        assert np.array_equal(same, bar[None]) and not np.shares_memory(same, bar)
    assert thickened(bar[None][:0], 2).shape == (0, 28, 28)


@pytest.fixture(scope="module")
def classifier():
    with DigitClassifier() as loaded:
        yield loaded


def test_unsure_rows_are_the_mean_of_both_views_and_sure_ones_untouched(classifier, shared_data):
    with np.load(shared_data("femnist_digits.npz")) as arrays:
        patches = arrays["x_test"][:2000]
    one = classifier.classify(patches)
    kept = one.copy()
    two = averaged(classifier.classify, patches, one, 8.0, sure=0.95)
    assert np.array_equal(one, kept)  # the one-view rows are left as they are
    unsure = one.max(axis=1) < 0.95
    assert 20 < unsure.sum() < 1000  # both kinds are there (FEMNIST: ~4% unsure)
    assert np.array_equal(two[~unsure], one[~unsure])
    other = classifier.classify(turned(patches[unsure], 8.0))
    np.testing.assert_allclose(two[unsure], (one[unsure] + other) / 2, atol=1e-6)
    assert not np.array_equal(two[unsure], one[unsure])
    # degrees 0 is one view; sure above every probability reads every patch twice
    assert averaged(classifier.classify, patches, one, 0.0, sure=0.95) is one
    every = averaged(classifier.classify, patches[:50], one[:50], 8.0, sure=1.0)
    np.testing.assert_allclose(
        every, (one[:50] + classifier.classify(turned(patches[:50], 8.0))) / 2, atol=1e-6)
    # with a broader pen: the mean of three rows, the turned and thickened views read in
    # one call; thickened alone: the mean of two
    three = averaged(classifier.classify, patches, one, 8.0, sure=0.95, thicken=2)
    broad = classifier.classify(thickened(patches[unsure], 2))
    np.testing.assert_allclose(three[unsure], (one[unsure] + other + broad) / 3, atol=1e-6)
    assert np.array_equal(three[~unsure], one[~unsure])
    np.testing.assert_allclose(
        averaged(classifier.classify, patches, one, 0.0, sure=0.95, thicken=2)[unsure],
        (one[unsure] + broad) / 2, atol=1e-6)


def test_the_broader_pen_reads_femnist_test_writers_better(classifier, shared_data):
    """Writers the model never saw (FEMNIST's 8,806 test digits, as scanned) write thinner
    than MNIST's: with the thickened view among the unsure digits' views, accepted at the
    default 0.7, 8,639 right and 28 wrong against 8,630 and 35 with two views."""
    with np.load(shared_data("femnist_digits.npz")) as arrays:
        patches, labels = arrays["x_test"], arrays["y_test"]
    first = classifier.classify(patches)

    def counts(rows):
        best, sure = rows.argmax(axis=1), rows.max(axis=1) >= 0.7
        digit = best < 10  # the 11th class: no digit, a rejection
        return (int(((best == labels) & sure).sum()),
                int(((best != labels) & digit & sure).sum()))

    two = counts(averaged(classifier.classify, patches, first, 8.0, sure=0.95))
    three = counts(averaged(classifier.classify, patches, first, 8.0, sure=0.95, thicken=2))
    assert three[0] >= two[0] and three[1] <= two[1] - 5, (three, two)


def test_the_other_views_keep_mnist_test_as_read(classifier, mnist):
    """MNIST's writers are the model's own: the other views must not cost them (10,000
    test digits, likeliest class right: 9,884 with one view, 9,890 with the upright one,
    9,890 with the broader pen as well)."""
    patches, labels = mnist["x_test"], mnist["y_test"]
    first = classifier.classify(patches)
    one = first.argmax(axis=1)
    two = averaged(classifier.classify, patches, first, 8.0, sure=0.95).argmax(axis=1)
    three = averaged(classifier.classify, patches, first, 8.0, sure=0.95,
                     thicken=2).argmax(axis=1)
    right_one, right_two = np.sum(one == labels), np.sum(two == labels)
    assert right_two >= right_one - 10, (right_one, right_two)
    assert np.sum(three == labels) >= right_one - 10, (right_one, np.sum(three == labels))


@pytest.mark.parametrize("other", [0.0, -8.0], ids=["one view", "turned clockwise"])
def test_real_sudoku_cells_read_fewer_wrong_with_the_upright_view(mnist, shared_data, other):
    """Phone photos of sudokus filled in by hand (a real camera, writers the model never
    saw), read at their own size (``shrink_above`` 0): 9 of 576 cells wrong with one view,
    5 with the default; turning clockwise instead helps less (most people's hand leans
    right). Since a cell's grid lines at its sides are not read as '1's
    (``DigitReader._without_grid_ones``, twenty-second session), 4 either way, 5 turned
    clockwise. Read shrunk (the default since the nineteenth session) none is wrong, and
    the upright view reads 1 / 2 more right (541 against 540 / 539). Measured without the
    fainter search and check of small frames (``look_again`` 1), which reject most of those
    wrong cells either way."""
    shared_data(sets.NEEDS["dev/sudoku-hand"])
    items = sets.build("dev/sudoku-hand", (mnist["x_test"], mnist["y_test"]))
    for shrink_above, fewer_wrong in ((0, True), (ReadOptions().shrink_above, False)):
        with DigitReader(options=ReadOptions(shrink_above=shrink_above,
                                             look_again=1.0)) as default, \
                DigitReader(options=ReadOptions(upright_view=other, shrink_above=shrink_above,
                                                look_again=1.0)) as changed:
            ours, theirs = score(default.read, items), score(changed.read, items)
        if fewer_wrong:
            assert ours.wrong <= theirs.wrong - (other != 0) and ours.right >= theirs.right, \
                (ours, theirs)
        else:
            assert ours.wrong <= theirs.wrong and ours.right > theirs.right, (ours, theirs)


@pytest.mark.parametrize("name, value", [("upright_view", 46.0), ("upright_view", -90.0),
                                         ("upright_below", 1.5), ("upright_below", -0.1),
                                         ("thick_view", -1), ("thick_view", 2.0)])
def test_out_of_range_views_are_refused(name, value):
    with pytest.raises(ValueError, match=name):
        ReadOptions(**{name: value})


def test_whether_to_cut_ink_is_asked_of_one_view(mnist):
    """A '4' written open like a 'u' (the first clean frame of the benchmarks, 1099449): the
    model is unsure of it (0.69). Asked whether it is worth cutting on the averaged rows,
    the second view's lower confidence sent it to be cut, into a sure '1' (its left stroke)
    and a '?': '109941?9', a digit made up. Asked of one view, it is not cut: the frame
    reads nothing or '10994?9', never a wrong string."""
    from export.devsets import judge
    from export.synth.frames import make_frame

    frame = make_frame(np.random.default_rng([2026, 0]), "clean", (640, 480),
                       (mnist["x_test"], mnist["y_test"]))
    with DigitReader() as reader:
        reading = reader.read(frame.image)
    assert frame.text == "1099449"
    assert judge([s.text for s in reading.strings], tuple(frame.strings)) != "wrong", reading.text


def test_the_views_reach_up_to_upright_below_and_a_caller_may_ask_for_less(mnist):
    """Crops read at 0.95-0.99 get the other views with the default (0.99); the postal-code
    decision asks for them below 0.95 only (``classify_inks(views_below=...)``): crops
    between the two keep their first reading there, and nothing else changes."""
    from edge_digits.normalize import normalize_digit

    inks = list(mnist["x_test"][:400])  # white ink on black, as classify_inks takes it
    boxes = [Box(0, 0, 28, 28)] * len(inks)
    with DigitReader() as reader:
        first = reader.classifier.classify(np.stack([normalize_digit(ink) for ink in inks]))
        sure = first.max(axis=1)
        middle = (sure >= 0.95) & (sure < 0.99)
        assert middle.sum() >= 3, "no crop read between 0.95 and 0.99: the test cannot tell"
        default = reader.classify_inks(inks, boxes)
        narrow = reader.classify_inks(inks, boxes, views_below=0.95)
    confidence = lambda found: np.array([0.0 if d is None else d.confidence  # noqa: E731
                                         for d in found])
    changed = confidence(default) != confidence(narrow)
    assert changed[middle].any() and not changed[sure >= 0.99].any()
    assert not changed[sure < 0.95].any()
