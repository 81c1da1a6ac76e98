"""Charts as SVG text, laid out by hand on a :class:`~owcf.publish.canvas.Canvas`, one
module per kind of chart (``spider``, ``dots``, ``bars``, ``strip``) over what they
share (``style``).

Every chart is drawn at the size it prints (its width in points fits the A4 column it
sits in) with text no smaller than 9 pt, and places every label itself: no label covers
another label or a marker, every level of the scale is labelled (the spider diagram's
centre too), a target equal to the current position still shows (an open square drawn
over the filled circle), and meaning never rests on colour alone: current position is a
solid line with round markers, the target a dashed line with open squares, each overlay
its own dash pattern and marker, and each palette steps in luminance, so neighbouring
categories differ in greyscale too. Charts are deterministic: the same figures give the
same bytes. May import the ground and ``owcf.publish.canvas``.
"""
