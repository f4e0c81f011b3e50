using System.Text;
using TokenLedger.Contracts.Usage;
using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Workload;

/// <summary>
/// Poison of every kind issue #23 names, each with the exact number of dead letters the contract says it yields (a
/// whole-message refusal one, a refused object one, an array one per refused item): NUL, C0 and C1 control characters
/// in ids, lone surrogates (escaped, so the UTF-8 is valid and only the text is not), 1 MB strings, negative, huge and
/// out-of-range numbers, deep nesting, wrong types, non-JSON, binary bodies and wrong content types. RTL text and emoji
/// are valid: <see cref="ValidUnusual"/> makes events carrying them, and they must be counted like any other.
/// An unknown tenant cannot be refused (usage for a tenant not registered yet is recorded and listed at
/// <c>GET /api/operator/unknown-tenants</c>), so it is not poison here.
/// </summary>
public static class PoisonMessages
{
    private static readonly Func<ScenarioWorkload, HostileMessage>[] Kinds =
    [
        NulInEventId, EscapeInEventId, C1ControlInTenantId, LoneHighSurrogateInEventId, LoneLowSurrogateInModel,
        NegativeTokens, MinimumLong, AboveLong, HugeExponent, TooManyTokens, DeepObject, WrongTypes, NotJson, Binary, XmlContentType,
        ArrayOfValidAndPoison,
    ];

    public static int KindCount => Kinds.Length + 1;

    /// <summary>1 MB messages: one poison message in this many (the others rotate through the remaining kinds).</summary>
    public const int MegabyteEvery = 100;

    public static List<HostileMessage> Create(ScenarioWorkload workload, int count) =>
        Enumerable.Range(0, count).Select(i => i % MegabyteEvery == MegabyteEvery / 2 ? MegabyteEventId(workload) : Kinds[i % Kinds.Length](workload)).ToList();

    /// <summary>Valid single-event messages whose ids and model carry right-to-left text and emoji (counted in the expected totals).</summary>
    public static List<OutgoingMessage> ValidUnusual(ScenarioWorkload workload, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var e = workload.NewEvent(d => d with { EventId = d.EventId + (i % 2 == 0 ? "-مرحبا-🚀" : "-שלום-👩‍💻"), Model = i % 3 == 0 ? "نموذج-🤖" : d.Model });
            return new OutgoingMessage(UsageEventSpec.ToJson([e], asArray: i % 2 == 0), "application/json", 1);
        }).ToList();

    private static HostileMessage NulInEventId(ScenarioWorkload w) => Single("NUL in eventId", Forbidden(w, e => e with { EventId = e.EventId + "\0x" }));

    private static HostileMessage EscapeInEventId(ScenarioWorkload w) => Single("ESC in eventId", Forbidden(w, e => e with { EventId = "\u001b[31m" + e.EventId }));

    private static HostileMessage C1ControlInTenantId(ScenarioWorkload w) => Single("U+0085 in tenantId", Forbidden(w, e => e with { TenantId = e.TenantId + "\u0085" }));

    // Utf8JsonWriter refuses to write a lone surrogate, so the escape is spliced into the text.
    private static HostileMessage LoneHighSurrogateInEventId(ScenarioWorkload w) => Spliced("lone \\ud800 in eventId", w.ForbiddenEvent(), "\"eventId\":\"", "\\ud800");

    private static HostileMessage LoneLowSurrogateInModel(ScenarioWorkload w) => Spliced("lone \\udc00 in model", w.ForbiddenEvent(), "\"model\":\"", "\\udc00");

    // Each one starts with its own id: the queryable log keeps one row per distinct (eventId, text) of a refused item, so
    // identical 1 MB ids (the first 64 KB of the text is kept) would count once there (99 of 100 missing in the 2026-12-07 run).
    private static HostileMessage MegabyteEventId(ScenarioWorkload w) => Single("1 MB eventId", Forbidden(w, e => e with { EventId = e.EventId + new string('i', 1_000_000) }));

    private static HostileMessage NegativeTokens(ScenarioWorkload w) => Single("negative inputTokens", w.ForbiddenEvent() with { InputTokens = -1 });

    private static HostileMessage MinimumLong(ScenarioWorkload w) => Single("long.MinValue outputTokens", w.ForbiddenEvent() with { OutputTokens = long.MinValue });

    private static HostileMessage AboveLong(ScenarioWorkload w) => Replaced("2^63 cachedInputTokens", w.ForbiddenEvent(), "\"cachedInputTokens\":", "9223372036854775808");

    private static HostileMessage HugeExponent(ScenarioWorkload w) => Replaced("1e400 inputTokens", w.ForbiddenEvent(), "\"inputTokens\":", "1e400");

    private static HostileMessage TooManyTokens(ScenarioWorkload w) => Single("tokens above the limit", w.ForbiddenEvent() with { InputTokens = UsageContract.MaxTokensPerField + 1 });

    private static HostileMessage DeepObject(ScenarioWorkload w)
    {
        var text = Text(w.ForbiddenEvent());
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        return Bytes("200-deep object in a field", 1, Encoding.UTF8.GetBytes(text[..^1] + ",\"extra\":" + nested + "}"), "application/json");
    }

    private static HostileMessage WrongTypes(ScenarioWorkload w)
    {
        var e = w.ForbiddenEvent();
        var body = $"{{\"eventId\":{{\"id\":\"{e.EventId}\"}},\"occurredAt\":true,\"tenantId\":[\"{e.TenantId}\"],\"model\":7,\"inputTokens\":\"12\",\"cachedInputTokens\":null,\"outputTokens\":[]}}";
        return Bytes("wrong types everywhere", 1, Encoding.UTF8.GetBytes(body), "application/json");
    }

    private static HostileMessage NotJson(ScenarioWorkload w) => Bytes("not JSON", 1, Encoding.UTF8.GetBytes($"eventId={w.ForbiddenEvent().EventId}&tokens=12"), "application/json");

    private static HostileMessage Binary(ScenarioWorkload w)
    {
        var bytes = new byte[4096];
        w.Random.NextBytes(bytes);
        bytes[0] = 0;
        return Bytes("4 KB of binary", 1, bytes, "application/octet-stream");
    }

    private static HostileMessage XmlContentType(ScenarioWorkload w) => Bytes("valid JSON as application/xml", 1, UsageEventSpec.ToJson([w.ForbiddenEvent()], asArray: false), "application/xml");

    // [valid, NUL id, valid (emoji), lone surrogate id, valid]: two letters, three events recorded.
    private static HostileMessage ArrayOfValidAndPoison(ScenarioWorkload w)
    {
        var nul = w.ForbiddenEvent();
        var lone = Text(w.ForbiddenEvent());
        var at = lone.IndexOf("\"eventId\":\"", StringComparison.Ordinal) + "\"eventId\":\"".Length;
        var body = new StringBuilder("[")
            .Append(Text(w.NewEvent())).Append(',')
            .Append(Text(nul with { EventId = nul.EventId + "\0" })).Append(',')
            .Append(Text(w.NewEvent(d => d with { EventId = d.EventId + "-✅" }))).Append(',')
            .Append(lone[..at]).Append("\\ud83d").Append(lone[at..]).Append(',')
            .Append(Text(w.NewEvent())).Append(']');
        return new HostileMessage("array: 3 valid + NUL id + lone surrogate id", new OutgoingMessage(Encoding.UTF8.GetBytes(body.ToString()), "application/json", 3), 2);
    }

    private static UsageEventSpec Forbidden(ScenarioWorkload w, Func<UsageEventSpec, UsageEventSpec> poison) => poison(w.ForbiddenEvent());

    private static HostileMessage Single(string kind, UsageEventSpec e) => Bytes(kind, 1, UsageEventSpec.ToJson([e], asArray: false), "application/json");

    private static HostileMessage Spliced(string kind, UsageEventSpec e, string property, string escape)
    {
        var text = Text(e);
        var at = text.IndexOf(property, StringComparison.Ordinal) + property.Length;
        return Bytes(kind, 1, Encoding.UTF8.GetBytes(text[..at] + escape + text[at..]), "application/json");
    }

    private static HostileMessage Replaced(string kind, UsageEventSpec e, string property, string literal)
    {
        var text = Text(e);
        var start = text.IndexOf(property, StringComparison.Ordinal) + property.Length;
        var end = start;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '-')) end++;
        return Bytes(kind, 1, Encoding.UTF8.GetBytes(text[..start] + literal + text[end..]), "application/json");
    }

    private static string Text(UsageEventSpec e) => Encoding.UTF8.GetString(UsageEventSpec.ToJson([e], asArray: false));

    private static HostileMessage Bytes(string kind, int letters, byte[] body, string contentType) => new(kind, new OutgoingMessage(body, contentType, 0), letters);
}
