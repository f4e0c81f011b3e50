namespace TokenLedger.Infrastructure;

/// <summary>
/// What text may reach PostgreSQL. PostgreSQL refuses U+0000 in <c>text</c> and <c>jsonb</c> and an unpaired UTF-16
/// surrogate cannot be encoded as UTF-8, so either would fail a whole transaction; identifiers additionally hold no
/// control character at all (C0, DEL, C1), while free text (names, reasons) may hold a tab or a line break.
/// </summary>
public static class StorableText
{
    /// <summary>Why <paramref name="text"/> cannot be an identifier, or null when it can.</summary>
    public static string? IdentifierProblem(string text) => Problem(text, allowLineBreaks: false);

    /// <summary>Why <paramref name="text"/> cannot be stored as free text, or null when it can.</summary>
    public static string? FreeTextProblem(string text) => Problem(text, allowLineBreaks: true);

    public static bool IsIdentifier(string? text) => text is null || IdentifierProblem(text) is null;

    private static string? Problem(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return "must not contain an unpaired surrogate (not valid Unicode text)";
            if (c == '\0') return "must not contain the NUL character";
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r')) return "must not contain control characters";
        }
        return null;
    }
}
