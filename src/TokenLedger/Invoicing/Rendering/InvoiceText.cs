using System.Globalization;
using System.Text;
using SkiaSharp;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>The few text styles an invoice uses. Emphasis is size and colour, never fake bold (it doubles the PDF).</summary>
internal enum TextStyle
{
    Title,
    Heading,
    Body,
    Muted,
    Small,
    TableHeader,
    Emphasis,
}

/// <summary>
/// Text for one render: fonts per style, and strings made safe to draw. Characters the font lacks become '?'
/// (recorded in <see cref="MissingCodePoints"/> so the renderer can log them once), bidi and other invisible format
/// characters are dropped, control characters become spaces, and text that does not fit is wrapped or cut with an
/// ellipsis, measured with the real font.
/// </summary>
internal sealed class InvoiceText : IDisposable
{
    private const string Ellipsis = "…";
    private readonly Dictionary<TextStyle, SKFont> _fonts = [];
    private readonly Dictionary<int, bool> _hasGlyph = [];
    private readonly SKTypeface _typeface;

    public InvoiceText(SKTypeface typeface)
    {
        _typeface = typeface;
        foreach (var style in Enum.GetValues<TextStyle>())
        {
            _fonts[style] = NewFont(SizeOf(style));
        }
    }

    public SortedSet<int> MissingCodePoints { get; } = [];

    public static float SizeOf(TextStyle style) => style switch
    {
        TextStyle.Title => 18f,
        TextStyle.Heading => 11f,
        TextStyle.Emphasis => 13f,
        TextStyle.Small or TextStyle.TableHeader => 7.5f,
        _ => 8.5f,
    };

    public SKFont Font(TextStyle style) => _fonts[style];

    public SKFont NewFont(float size) =>
        new(_typeface, size) { Subpixel = true, Edging = SKFontEdging.Antialias, Hinting = SKFontHinting.None };

    public float Width(string text, TextStyle style) => _fonts[style].MeasureText(text);

    /// <summary>Replaces what the font cannot draw; see the class summary.</summary>
    public string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var result = new StringBuilder(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var drawable = true;
            var visible = false;
            foreach (var rune in element.EnumerateRunes())
            {
                if (Rune.IsControl(rune)) { result.Append(' '); visible = false; drawable = false; break; }
                if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format) continue;
                visible = true;
                if (!HasGlyph(rune.Value))
                {
                    MissingCodePoints.Add(rune.Value);
                    drawable = false;
                }
                else if (rune == Rune.ReplacementChar && char.IsSurrogate(element[0]))
                {
                    drawable = false; // a lone surrogate: not a character at all
                }
            }

            if (!visible) continue;
            result.Append(drawable ? element : "?");
        }

        return result.ToString();
    }

    /// <summary>The cleaned text, cut with an ellipsis if it is wider than <paramref name="width"/>.</summary>
    public string Fit(string? text, TextStyle style, float width) => FitClean(Clean(text), _fonts[style], width);

    /// <summary>
    /// The cleaned text in at most <paramref name="maxLines"/> lines no wider than <paramref name="width"/>: breaks after
    /// spaces where it can, between any two characters where it must (Chinese has no spaces); the last line ends in an
    /// ellipsis if text is left over.
    /// </summary>
    public IReadOnlyList<string> Wrap(string? text, TextStyle style, float width, int maxLines)
    {
        var font = _fonts[style];
        var rest = Clean(text).Trim();
        var lines = new List<string>();
        while (rest.Length > 0 && lines.Count < maxLines)
        {
            if (lines.Count == maxLines - 1 || font.MeasureText(rest) <= width)
            {
                lines.Add(FitClean(rest, font, width));
                break;
            }

            var take = LongestPrefixThatFits(rest, font, width);
            var space = rest.LastIndexOf(' ', Math.Max(0, take - 1), take);
            if (space > 0 && space > take / 2) take = space + 1;
            lines.Add(rest[..take].TrimEnd());
            rest = rest[take..].TrimStart();
        }

        return lines;
    }

    private string FitClean(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width) return text;
        var ellipsis = HasGlyph(Ellipsis[0]) ? Ellipsis : "...";
        var take = LongestPrefixThatFits(text, font, width - font.MeasureText(ellipsis));
        return text[..take].TrimEnd() + ellipsis;
    }

    /// <summary>Length of the longest prefix, ending on a text-element boundary, that is at most <paramref name="width"/> wide.</summary>
    private static int LongestPrefixThatFits(string text, SKFont font, float width)
    {
        var boundaries = StringInfo.ParseCombiningCharacters(text);
        int low = 0, high = boundaries.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            var end = mid == boundaries.Length ? text.Length : boundaries[mid];
            if (font.MeasureText(text.AsSpan(0, end)) <= width) low = mid; else high = mid - 1;
        }

        // Always make progress: a single element wider than the box still takes a line of its own.
        var count = Math.Max(low, Math.Min(1, boundaries.Length));
        return count == boundaries.Length ? text.Length : boundaries[count];
    }

    private bool HasGlyph(int codePoint)
    {
        if (!_hasGlyph.TryGetValue(codePoint, out var has))
        {
            has = _fonts[TextStyle.Body].ContainsGlyph(codePoint);
            _hasGlyph[codePoint] = has;
        }

        return has;
    }

    public void Dispose()
    {
        foreach (var font in _fonts.Values) font.Dispose();
    }
}
