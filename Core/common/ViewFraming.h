#pragma once
// Where a 2-D view looks when a session is shown. ParaView's Reset Camera fits the scene's bounding
// sphere, which leaves a flat arena about a third of the view; this fits the arena itself on screen,
// clear of the annotation (top left) and the legends (right) whenever the centred arena would reach them.

namespace neuroplayback
{
struct Bounds2D
{
  double X0 = 0.0, X1 = 1.0, Y0 = 0.0, Y1 = 1.0;
};

// The annotation's box at the top left, in pixels (0: the default share of the view).
struct ScreenText
{
  double Width = 0.0, Height = 0.0;
};

// The bounds to fit to the view (camera reset to screen space) for an arena of these bounds (the
// environment with its scale bar) in a view of viewWidth x viewHeight pixels. The annotation and the
// legends keep at least their default shares of the view; in a small view their fixed pixel sizes rule.
Bounds2D FrameArena(const Bounds2D& arena, double viewWidth, double viewHeight, const ScreenText& annotation = {});
} // namespace neuroplayback
