"""The reader's options: :class:`ReadOptions` (the threshold, how marks become numbers, how
touching digits are split, the locate stage's options), one comment a field with what it
was measured to do; the history and the commands behind the figures: docs/tuning.md.

    >>> from edge_digits.read import DigitReader, ReadOptions
    >>> reader = DigitReader(options=ReadOptions(threshold=0.9))
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .locate import LocateOptions
from .reader_config import DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options of :class:`DigitReader`. The tunables of splitting touching digits are
    ``locate.touching`` (:class:`edge_digits.touching.TouchingParams`)."""

    #: a digit whose best probability is below this is rejected (shown as ``?``); higher
    #: means fewer wrong digits and more rejections
    threshold: float = DEFAULT_THRESHOLD
    #: a string of read digits with rejected ones among them (``1?34``) is reported as it
    #: is. False (the default): it is not, and the frame reports nothing and names the
    #: string in ``Reading.unread``, as it does a line it could not read: the reader cannot
    #: say what a mark it could not read is (a digit, a piece of one, two touching ones),
    #: so it cannot vouch for the string's length nor for where its digits stand. A string
    #: of only ``?`` claims no digit and stays. Twenty-third session: strangers' frames of
    #: seeds 12, 31 and 57, 563 / 508 / 89 -> 563 / 532 / 65 exact / rejected / wrong of
    #: 1,160 (a quarter of the wrong ones were such strings of the wrong length: a '4' cut
    #: into '1' and '?', a digit's tail as a '?'); digit-free scenes reporting a digit 5 ->
    #: 4 of 488; generated hard frames wrong 8.75 -> 6.25%; nothing read right is lost on
    #: any set, since an exact reading holds no '?'
    partial_strings: bool = False
    #: a crop the model reads less surely than ``upright_below`` (its likeliest class,
    #: digit or not) is read again turned this many degrees counter-clockwise (towards
    #: upright for the right-leaning hand of most writers), and the two answers are
    #: averaged (:mod:`edge_digits.views`): a digit the two views disagree on falls
    #: below the threshold, one the turned view reads surely may reach it (whether ink is
    #: worth cutting into touching digits is still asked of the first view). Strangers'
    #: frames of seeds 12, 31 and 57: wrong 139 -> 125 of 1,160, exact 512 -> 513; real
    #: sudoku cells wrong 1.6 -> 0.9% (see docs/tuning.md); 0: one view
    upright_view: float = 8.0
    #: ... (every crop read twice, 1.0: 118 wrong, 508 exact, generated postal codes 75 ->
    #: 69% read; 0.95 leaves those at 75%, and about one crop in six is read again). With
    #: the third view (``thick_view``), 0.95 -> 0.99: strangers' frames 569 / 97 -> 563 /
    #: 89 exact / wrong of 1,160 (two other models of the recipe: 102 -> 96, 97 -> 94
    #: wrong), their 5,514 marks in place wrong 0.87 -> 0.63%; frames drawn from MNIST's
    #: writers lose 1-5 points exact for no fewer wrong, so postal codes keep 0.95
    #: (``PostcodeOptions.views_below``)
    upright_below: float = 0.99
    #: ... and a third time with its strokes thickened by a square of this many pixels (a
    #: broader pen: strangers write thinner than MNIST's writers), the three answers
    #: averaged (:func:`edge_digits.views.thickened`). Strangers' frames of seeds 12, 31
    #: and 57: wrong 105 -> 97 of 1,160, exact 552 -> 569; with two other models of the
    #: same recipe 117 -> 102 and 115 -> 97 (docs/tuning.md, "A broader pen"); 0 or 1: none
    thick_view: int = 2
    #: a number (see :mod:`edge_digits.numbers`) whose digits read with the default threshold
    #: are fewer than this fraction of its digits is not reported: it is taken for print
    #: or drawings, not digits; 0 reports every number. (0.5 before the label rule; 2/3
    #: reports digits on 4 fewer of 300 generated digit-free scenes (16 -> 11%) and on
    #: 2 fewer of 192 strangers' digit-free ones, at the same exact frames.)
    min_accepted_fraction: float = 0.67
    #: a line's marks fall into groups at gaps wider than this many times its height
    #: (a printed label and the number after it); each group is judged on its own
    group_gap: float = 1.0
    #: a line with a group of marks that is not a number (some read as digits) at least
    #: this tall (of the median height of the line's numbers) is not reported: those
    #: marks may be digits of the number, and a number with digits missing is a wrong
    #: answer (strangers' hard frames, seed 31: 45.0 -> 42.5% wrong, nothing read right
    #: lost on any set); 0 reports every number; above 1 reports the rest alone
    partial_line: float = 0.8
    #: a frame where a line of marks, at least this share of them read as digits (two
    #: surely), as tall as its numbers (``partial_line``), is no number reports nothing:
    #: the frame holds digits the reader cannot read, and its other numbers alone would
    #: be an incomplete, wrong answer (see :func:`edge_digits.numbers.frame_numbers`;
    #: strangers' frames 24.5 -> 18.5% wrong clean, 40 -> 33.5% hard, seed 31; generated
    #: hard frames 23.8 -> 13.5%; 2 of 720 strangers' frames read right lost); so does a
    #: frame with two numbers side by side on one row (one line cut in two) or a number of
    #: one digit beside others; 0 reports every number read, whatever else the frame holds
    unread_line: float = 0.5
    #: ... and a line of ``unread_sure`` or more accepted digits, ``unread_sure_share`` of
    #: its marks or more, counts down to ``unread_small`` of the numbers' height (print
    #: beside a number reads as a few sure digits among its letters at about half its
    #: height; strangers' frames, four sets: 13 of 560 fewer wrong, none fewer right)
    unread_sure: int = 3
    unread_sure_share: float = 0.6
    unread_small: float = 0.65
    #: a mark read as a digit on a number's row, within ``group_gap`` of its height from
    #: its ends, at least this tall (of its median height), not part of it and not beside
    #: a mark that is no digit (a word's letter) makes the frame report nothing
    #: (:func:`edge_digits.numbers.left_out`): the number read without that digit is most
    #: often wrong ('8547416' read '416'; strangers' frames of seeds 12, 31 and 57: 11 of
    #: 1,160 fewer wrong, none fewer right; without the letters' exception 14 and 2); 0: off
    left_out: float = 0.65
    #: ... and beside a mark that is no digit too when it is at least this tall (of the
    #: number's median height): a printed label's letter is smaller than the number
    #: written after it, while the pieces of a broken digit or of a slanted '1' beside a
    #: whole digit ('3' of '31822', the '1's lead stroke read as no digit) are not a word
    #: (strangers' frames of seeds 12, 31 and 57: 3 of 1,160 wrong -> rejected, none
    #: right lost on any lab set; 0.9: 2); 0: the letters' exception always applies
    left_out_tall: float = 0.8
    #: an accepted digit at a number's end farther from its next digit than this many
    #: times the median height of the number's other digits makes the frame report
    #: nothing (:func:`edge_digits.numbers.far_ends`): a stroke (a sheet's edge, a box's
    #: wall) read as '1' and joined to the number ('1947' for '947'), another mark joined
    #: ('3025' for '025'), or digits between them lost ('876' for '8346'). Strangers'
    #: frames of seeds 12, 31 and 57: 14 of 1,160 fewer wrong, none fewer right; the 4,747
    #: end digits of the strings these sets and the generated ones read right stand at
    #: most 1.27 heights from the next; 2.0: 10 fewer wrong; 0: off
    far_end: float = 1.5
    #: a frame whose only number is one digit, amid this many marks or more that read as
    #: accepted digits yet made no number, reports nothing
    #: (:func:`edge_digits.numbers.lone_among_digits`): the digit is most likely one more
    #: of them (wood grain read as a column of '1's, and one of its knots as a '4'; digit-
    #: free scenes of seeds 12, 31 and 57: 1 of 488 fewer reporting, nothing else moved on
    #: the strangers' frames, the generated ones or the development sets); 0: off
    lone_among: int = 3
    #: a '0' whose crop the model also gives an '8' at least this probability is rejected
    #: (a '?' of confidence 0, whatever the threshold): an '8' whose waist closed under a
    #: thick pen or blur, or whose upper loop is small, reads as a sure '0' (the largest
    #: misread of the development sets). Strangers' frames of seeds 12, 31 and 57: 17 of
    #: 1,160 wrong -> rejected, none right lost on any lab set; it fires on 3 of MNIST's
    #: 10,000 test digits (2 right '0's), none of FEMNIST's 8,806; 0: off
    zero_eight: float = 0.01
    #: a frame is searched again with its thresholds (and their floors) at this fraction
    #: (:func:`edge_digits.locate.look_again`): a line of digits the first search missed
    #: (a pencil's or a pale pen's, a smaller string beside a bold one, writing on a
    #: grainy surface) makes the frame report nothing, as one the first search found would
    #: (:func:`edge_digits.numbers.missed_lines`: a number as small as the first search
    #: reads, or marks as ``unread_line`` asks as tall as ``partial_line``; strangers'
    #: frames of seeds 12, 31 and 57: 46 of 1,160 fewer wrong, 3 fewer right; digit-free
    #: scenes reporting a digit: 3 of 488 fewer; generated hard frames 2 of 600 fewer
    #: wrong; a hard frame's read ~25% slower, a clean page's ~3%: most are not searched
    #: again). A small frame (under ``alone_side``: a crop of a number or of one digit)
    #: is read again at this fraction of its thresholds, and what it reads is doubted
    #: when that reading differs (``DigitReader._checked``: faint writing found in
    #: pieces); one that reads nothing, about square on light paper, is searched again
    #: with the thresholds' caps at this fraction (``DigitReader._read_faint``: pencil in
    #: a cell its lines fill). 0 or 1: none of these
    look_again: float = 0.5
    #: a stroke at least this tall (of a number's height) in a gap between two of its
    #: digits, which the locate stage left out (a thin '1' faded at its work resolution:
    #: '591010' read '59010'), is classified and put in, a '?' when the model calls it no
    #: digit (:mod:`edge_digits.gaps`; strangers' frames of seeds 12, 31 and 57: 4 of
    #: 1,160 wrong -> right, none the other way); 0: off
    gap_stroke: float = 0.7
    #: a run of digits beside marks that are not digits ('Order 14261': the word's letters
    #: touch the number) is reported only when its median height is this many times
    #: theirs: a label is printed smaller than the number written after it, while a
    #: word's 'l' or 'o' that reads as a digit is as tall as its other letters
    label_height: float = 1.45
    #: a run of digits followed in its group (no wide gap) by this many marks or more is
    #: not a number: a word whose first letters read as digits (chalk 'Address' read
    #: '122': its 'ress' is shorter, so the label rule let it pass), or a longer string
    #: only part of which is read (generated hard frames 3 fewer wrong of 600, strangers'
    #: 4 of 560, digit-free scenes 4 fewer reporting of 588; none fewer right); 0: off
    trailing_marks: int = 2
    #: ... or this many times for a run of at least ``sure_run`` digits, every one
    #: accepted and at most half of them 0s and 1s (a word's letters read as digits are
    #: 'o', 'l', 'i'): a label printed nearly as tall as the number ('Ref 2149472')
    #: (strangers' hard frames, seed 31: 27 -> 30% exact, 47 -> 45% wrong; digit-free
    #: scenes unchanged, 1 more of 300 generated ones)
    sure_run: int = 4
    sure_label: float = 1.2
    #: a run of digits with a mark right before or after it in its group (no wide gap) at
    #: least this tall (of the run's median height) is only part of a number: a digit
    #: broken into pieces that are no digit ('8' of '8547416' read '547416'), or the
    #: start of a line whose other digits are unsure; not reported (strangers' frames 1
    #: wrong of 560 fewer, generated hard frames 1 of 600; none fewer right on any set;
    #: 0.8 loses one right); 0: off
    tall_neighbour: float = 0.9
    #: a '1' in a number shorter than this fraction of the number's median height is not
    #: reported: a writer's '1' is as tall as the other digits, a piece of a broken digit,
    #: a pen's lift or a speck read as '1' is not (strangers' frames, seed 31: 26 more
    #: read exact per 1,000 clean, 20 fewer wrong; generated hard frames 3 fewer exact per
    #: 1,000)
    short_one: float = 0.6
    #: a lone '1' (a number of one thin digit, narrower than ``thin_one`` of its height)
    #: whose paper to its left and right differs, the darker below this share of the
    #: lighter, lies on an edge (a paper's side on a table, a shadow's border, a box's
    #: wall) and is not reported; nor is any lone digit whose surroundings (strips above,
    #: below, left and right that fit in the frame) differ as much, when it is shorter than
    #: ``boundary_height`` of the frame: a sheet's corner read as '4' or '7' (digit-free
    #: scenes reporting a digit, hard: 8.3 -> 4.2% seed 12, 7.3 -> 4.2% seed 31; generated
    #: ones 8.3 -> 6.0%; sudoku cells 88.0 / 3.0 -> 87.8 / 2.6% right / wrong; a digit
    #: filling half a close-up under a light gradient is kept by ``boundary_height``);
    #: nor is a lone thin '1' shorter than ``boundary_height`` of the frame, wherever it
    #: is: a stroke (a box's wall, a crease, a table's edge) more often than a writer's
    #: '1' alone on a page (digit-free scenes 2.1 / 4.2 -> 1.0 / 1.0%, seed 31; no
    #: development set has a lone written '1' in a large frame, so its cost is not
    #: measured); 0 reports them all (see docs/tuning.md)
    edge_one: float = 0.9
    thin_one: float = 0.6
    boundary_height: float = 0.25
    #: a number of this many digits or more that are all '1's is not reported: strokes
    #: alone (ruling, hatching, box walls, table edges, a word's 'l' and 'i') read as 1s,
    #: while a writer's number is all 1s once in 10 ** (its length - 1) (no true one on any
    #: development set; 30 false ones, 14 of them on digit-free scenes); 0 reports them
    ones_only: int = 2
    #: a number of at least ``text_marks`` marks where ``text_share`` or more are shorter
    #: than ``short_mark`` of its median height is taken for a word (x-height letters
    #: beside capitals and ascenders; a writer's digits are of about one height)
    text_marks: int = 3
    text_share: float = 0.34
    short_mark: float = 0.6
    #: how much surer (mean log-probability, nats) the classifier must be of another
    #: segmentation of touching digits than of the geometric first guess to prefer it
    split_margin: float = 0.3
    #: the classifier's other segmentations of touching digits are considered only when it
    #: is less sure than this of a part of the geometric first guess (a confident reading
    #: of the first guess is kept: halves of a wide '0' are often confident '1's too). (A
    #: stricter doubt, 0.97, for ink 1.5x wider than its line's others was removed: no
    #: frame of any fixed set or of the golden frames read differently without it.)
    split_doubt: float = 0.7
    #: with a model that has a not-a-digit class: ink that may be touching digits is cut
    #: into pieces only when the model gives its whole at least this probability of not
    #: being a digit (touching pairs are in that class); an unsure single digit stays one
    #: digit (and is rejected if below ``threshold``) instead of being cut into confident
    #: fragments. Models without that class use ``split_doubt`` alone. (0.2 with the
    #: MNIST-only model before; with the bundled one 0.5 reads as many frames right with
    #: fewer wrong: generated clean frames 6.2 -> 5.8% wrong, strangers' frames the same)
    none_split: float = 0.5
    #: ink so wide that several digits are the first guess is still kept as one digit when
    #: the model reads its whole as a digit this surely (and below ``none_split``)
    one_digit_sure: float = 0.9
    #: a frame smaller than this on a side (a crop of one digit: a 28x28 scan, a 16x16
    #: form cell, a 40x40 crop of thin strokes) is read enlarged
    #: (:func:`edge_digits.frame.enlarge_small`); 0: never. (32 before: FEMNIST's test
    #: writers as 32 / 40 px crops read 41 / 84% right, now 96 / 95%; enlarging frames up
    #: to 64 px read hwd1000's at 48-63 px better but FEMNIST's worse, 98 -> 95%)
    min_side: int = 48
    #: a frame smaller than ``alone_side`` on a side but more than this, about as wide as
    #: tall (a cell, a crop of one digit: ``edge_digits.read.SQUARE``), is read shrunk to
    #: ``min_side`` on its shorter side
    #: (:func:`edge_digits.frame.shrink_to`), the size of writing the locate stage is made
    #: for; writing too small to survive the shrinking (nothing read, and at the frame's
    #: own size its digits shrunk below ``locate.min_digit_height``) is read as the frame
    #: is. 0: never. (The real sudoku cells, 116 px: 89.8 / 0.9 -> 93.8 / 0.2% right /
    #: wrong; FEMNIST's test writers on paper, 112 px: 96.2 / 0.4 -> 98.3 / 0.2%; shrunk to
    #: 56 or 64 px instead: 92.5 / 0.5, 91.3 / 1.2%; cells of 58 px read better as they are,
    #: 94.4 / 0.2 against 92.5 / 0.9% shrunk)
    shrink_above: int = 64
    #: a frame smaller than this on a side is read framed by a border of paper
    #: (:func:`edge_digits.frame.with_border`) when it is cut tight around its writing
    #: (:func:`edge_digits.frame.cut_tight`: the locate stage leaves out marks the frame
    #: cuts and reads what is left of them; FEMNIST's test digits cut tight, 100 px tall:
    #: 5 / 12% right / wrong -> 85 / 2%), or when nothing is found in it and its outermost
    #: pixels are all paper (:func:`edge_digits.frame.clean_edges`: one digit filling it is
    #: taller than the locate stage takes a digit to be; hwd1000's test digits as drawn,
    #: 64 px: 93 -> 97.5% read). Cells cut from a grid are neither; 0: never
    alone_side: int = 256
    #: options of the locate stage (see :class:`edge_digits.locate.LocateOptions`)
    locate: LocateOptions = field(default_factory=LocateOptions)

    def __post_init__(self) -> None:
        for name in ("threshold", "min_accepted_fraction", "split_doubt", "none_split",
                     "one_digit_sure", "short_one", "edge_one", "unread_line",
                     "boundary_height", "unread_sure_share", "unread_small", "tall_neighbour",
                     "look_again", "left_out", "left_out_tall", "zero_eight", "upright_below",
                     "gap_stroke"):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be within 0..1, got {value!r}")
        for name, unit in (("sure_run", "marks"), ("ones_only", "marks"), ("text_marks", "marks"),
                           ("trailing_marks", "marks"), ("unread_sure", "marks"),
                           ("lone_among", "marks"), ("thick_view", "pixels"),
                           ("min_side", "pixels"), ("alone_side", "pixels"),
                           ("shrink_above", "pixels")):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of {unit}, 0 or more, "
                                 f"got {value!r}")
        if not isinstance(self.partial_strings, bool):
            raise ValueError(f"partial_strings must be True or False, "
                             f"got {self.partial_strings!r}")
        if self.shrink_above and self.shrink_above < self.min_side:
            raise ValueError(f"shrink_above ({self.shrink_above}) must be 0 or at least "
                             f"min_side ({self.min_side}): frames are shrunk to min_side")
        if not -45.0 <= float(self.upright_view) <= 45.0:
            raise ValueError(f"upright_view must be within -45..45 degrees, "
                             f"got {self.upright_view!r}")
        if not float(self.partial_line) >= 0.0:
            raise ValueError(f"partial_line must be 0 or more, got {self.partial_line!r}")
        if not float(self.far_end) >= 0.0:
            raise ValueError(f"far_end must be 0 or more (times a digit's height), "
                             f"got {self.far_end!r}")
        if not float(self.group_gap) > 0.0:
            raise ValueError(f"group_gap must be a positive number (of the line's height), "
                             f"got {self.group_gap!r}")
        if not float(self.label_height) >= 1.0 or not float(self.sure_label) >= 1.0:
            raise ValueError(f"label_height and sure_label must be at least 1 (times the "
                             f"label's height), got {self.label_height!r}, {self.sure_label!r}")
