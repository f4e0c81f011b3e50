using SkiaSharp;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>A piece of text at a position relative to its block; <paramref name="Size"/> overrides the style's size.</summary>
internal sealed record TextOp(string Text, float X, float Baseline, SKTextAlign Align, TextStyle Style, SKColor Colour, float? Size = null);

/// <summary>A filled rectangle (table header shading) or, with zero height, a hairline rule.</summary>
internal sealed record ShapeOp(SKRect Rect, SKColor Colour);

/// <summary>
/// A laid-out part of a page (header, table row, totals…) with its height, built once and then both measured by the
/// paginator and drawn, so what is measured is exactly what is drawn.
/// </summary>
internal sealed class Block(float height, IReadOnlyList<TextOp> texts, IReadOnlyList<ShapeOp> shapes)
{
    public float Height { get; } = height;
    public IReadOnlyList<TextOp> Texts { get; } = texts;
    public IReadOnlyList<ShapeOp> Shapes { get; } = shapes;

    public void Draw(SKCanvas canvas, InvoiceText text, float top)
    {
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        foreach (var shape in Shapes)
        {
            paint.Color = shape.Colour;
            var rect = shape.Rect;
            rect.Offset(0, top);
            if (rect.Height <= 0) rect.Bottom = rect.Top + 0.5f;
            canvas.DrawRect(rect, paint);
        }

        foreach (var op in Texts)
        {
            paint.Color = op.Colour;
            if (op.Size is { } size)
            {
                using var font = text.NewFont(size);
                canvas.DrawText(op.Text, op.X, top + op.Baseline, op.Align, font, paint);
            }
            else
            {
                canvas.DrawText(op.Text, op.X, top + op.Baseline, op.Align, text.Font(op.Style), paint);
            }
        }
    }
}

/// <summary>Collects the operations of one <see cref="Block"/>.</summary>
internal sealed class BlockBuilder(InvoiceText text)
{
    private readonly List<TextOp> _texts = [];
    private readonly List<ShapeOp> _shapes = [];

    public InvoiceText Text { get; } = text;

    /// <summary>Draws <paramref name="value"/> cut to <paramref name="width"/> (ellipsis) at the baseline.</summary>
    public void Left(string? value, float x, float baseline, float width, TextStyle style, SKColor colour) =>
        Add(Text.Fit(value, style, width), x, baseline, SKTextAlign.Left, style, colour);

    /// <summary>Right-aligns <paramref name="value"/> at <paramref name="right"/>, cut to <paramref name="width"/>.</summary>
    public void Right(string? value, float right, float baseline, float width, TextStyle style, SKColor colour) =>
        Add(Text.Fit(value, style, width), right, baseline, SKTextAlign.Right, style, colour);

    /// <summary>Right-aligns a number; a number too wide for its column is drawn smaller rather than cut.</summary>
    public void Number(string value, float right, float baseline, float width, TextStyle style, SKColor colour)
    {
        var clean = Text.Clean(value);
        var measured = Text.Width(clean, style);
        if (measured <= width)
        {
            Add(clean, right, baseline, SKTextAlign.Right, style, colour);
            return;
        }

        var size = InvoiceText.SizeOf(style) * width / measured;
        if (size >= 4f) _texts.Add(new TextOp(clean, right, baseline, SKTextAlign.Right, style, colour, size));
        else Right(value, right, baseline, width, style, colour);
    }

    public void Fill(float left, float top, float right, float bottom, SKColor colour) =>
        _shapes.Add(new ShapeOp(new SKRect(left, top, right, bottom), colour));

    public void Rule(float left, float right, float y, SKColor colour) =>
        _shapes.Add(new ShapeOp(new SKRect(left, y, right, y), colour));

    public Block Build(float height) => new(height, _texts.ToList(), _shapes.ToList());

    private void Add(string value, float x, float baseline, SKTextAlign align, TextStyle style, SKColor colour)
    {
        if (value.Length > 0) _texts.Add(new TextOp(value, x, baseline, align, style, colour));
    }
}
