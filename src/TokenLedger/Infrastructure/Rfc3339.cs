using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Infrastructure;

/// <summary>
/// The one way the ledger reads an instant from a request: a JSON body (through <see cref="Rfc3339Json"/>), a query string
/// or a string field. RFC 3339 exactly: a four-digit year, seconds, '.' before at most nine fraction digits, and 'Z' or
/// ±HH:mm, so 2026-01-01T00:00:00Z and 2026-01-01T08:00:00+08:00 are the same instant.
/// </summary>
public static class Rfc3339
{
    public static readonly OffsetDateTimePattern Pattern =
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFFFo<Z+HH:mm>");

    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00";

    /// <summary>"<paramref name="field"/> must be an RFC 3339 instant with Z or an offset, such as …".</summary>
    public static string Rule(string field) => $"{field} must be {Forms}";

    public static bool TryParse(string? text, out OffsetDateTime value)
    {
        value = default;
        if (text is null) return false;
        var parsed = Pattern.Parse(text);
        if (parsed.Success) value = parsed.Value;
        return parsed.Success;
    }

    /// <summary>The instant <paramref name="text"/> names, or null if it is not RFC 3339.</summary>
    public static Instant? ToInstant(string? text) => TryParse(text, out var value) ? value.ToInstant() : null;

    /// <summary>Writes an instant in UTC with 'Z' (the form responses use).</summary>
    public static string Format(Instant instant) => Pattern.Format(instant.WithOffset(Offset.Zero));
}
