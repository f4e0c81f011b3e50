using System.Buffers;
using System.Text;
using System.Text.Json;
using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Workload;

/// <summary>One hostile message and the exact number of dead letters the contract says it yields.</summary>
public sealed record HostileMessage(string Kind, OutgoingMessage Message, int Letters);

/// <summary>
/// Hostile messages, built so that the number of dead letters is known exactly (contracts/README.md, "What is
/// rejected"): a whole-message refusal yields one letter, a refused single object one letter, and an array one letter
/// per refused item, while its valid items are recorded. Valid items inside hostile arrays are expected in the totals;
/// ids inside refused messages must never be recorded.
/// </summary>
public static class HostileMessages
{
    /// <summary>About 1 MB bodies: one hostile message in this many.</summary>
    public const int HugeBodyEvery = 50;

    private static readonly Func<ScenarioWorkload, HostileMessage>[] Kinds =
    [
        WrongTypes, HugeFloat, HugeInteger, InvalidUtf8, DeepNesting, TextPlain, EmptyBody, JsonNull,
        MixedArray, NonObjectItems, EmptyArray, MissingFields, TruncatedJson, ControlCharsAndFuture,
    ];

    public static List<HostileMessage> Create(ScenarioWorkload workload, int count)
    {
        var messages = new List<HostileMessage>(count);
        for (var i = 0; i < count; i++)
        {
            if (i % HugeBodyEvery == HugeBodyEvery / 2)
                messages.Add(i / HugeBodyEvery % 2 == 0 ? HugeModelName(workload) : TooManyItems(workload));
            else
                messages.Add(Kinds[i % Kinds.Length](workload));
        }
        return messages;
    }

    // Single objects: all problems of the item are reported together, in one letter.
    private static HostileMessage WrongTypes(ScenarioWorkload w) => Json("wrong types", 1, w, json =>
    {
        json.WriteStartObject();
        json.WriteString("eventId", w.NextId("x"));
        json.WriteString("occurredAt", UsageEventSpec.Rfc3339(w.Base));
        json.WriteNumber("tenantId", 42);
        json.WriteStartArray("model");
        json.WriteStringValue(w.Tenants[0]);
        json.WriteEndArray();
        json.WriteString("inputTokens", "1830");
        json.WriteBoolean("cachedInputTokens", true);
        json.WriteStartObject("outputTokens");
        json.WriteEndObject();
        json.WriteEndObject();
    });

    private static HostileMessage HugeFloat(ScenarioWorkload w) => Raw("1e30", 1, Replace(w.ForbiddenEvent(), "\"inputTokens\":", "1e30"));

    private static HostileMessage HugeInteger(ScenarioWorkload w) => Raw("9999999999999999999", 1, Replace(w.ForbiddenEvent(), "\"outputTokens\":", "9999999999999999999"));

    private static HostileMessage InvalidUtf8(ScenarioWorkload w)
    {
        var text = UsageEventSpec.ToJson([w.ForbiddenEvent()], asArray: false);
        var marker = Encoding.UTF8.GetBytes("\"model\":\"");
        var at = text.AsSpan().IndexOf(marker) + marker.Length;
        byte[] bad = [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80];
        return Bytes("invalid UTF-8", 1, [.. text[..at], .. bad, .. text[at..]], "application/json");
    }

    private static HostileMessage DeepNesting(ScenarioWorkload w) => Bytes("10,000 nested [", 1, Encoding.ASCII.GetBytes(new string('[', 10_000)), "application/json");

    private static HostileMessage TextPlain(ScenarioWorkload w) =>
        Bytes("text/plain", 1, UsageEventSpec.ToJson([w.ForbiddenEvent()], asArray: false), "text/plain");

    private static HostileMessage EmptyBody(ScenarioWorkload w) => Bytes("empty body", 1, [], "application/json");

    private static HostileMessage JsonNull(ScenarioWorkload w) => Bytes("JSON null", 1, "null"u8.ToArray(), "application/json");

    // [valid, bad, valid, bad, valid]: two letters, three recorded events.
    private static HostileMessage MixedArray(ScenarioWorkload w)
    {
        var negative = w.ForbiddenEvent() with { InputTokens = -5 };
        var noOffset = w.ForbiddenEvent();
        var body = new StringBuilder("[");
        body.Append(Text(w.NewEvent())).Append(',').Append(Text(negative)).Append(',').Append(Text(w.NewEvent())).Append(',');
        body.Append(Text(noOffset).Replace(UsageEventSpec.Rfc3339(noOffset.OccurredAt), noOffset.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss")));
        body.Append(',').Append(Text(w.NewEvent())).Append(']');
        return new HostileMessage("array: 3 valid + 2 invalid", new OutgoingMessage(Encoding.UTF8.GetBytes(body.ToString()), "application/json", 3), 2);
    }

    private static HostileMessage NonObjectItems(ScenarioWorkload w) => Bytes("array of 5 non-objects", 5, "[1,\"two\",null,[],true]"u8.ToArray(), "application/json");

    private static HostileMessage EmptyArray(ScenarioWorkload w) => Bytes("empty array", 1, "[]"u8.ToArray(), "application/json");

    private static HostileMessage MissingFields(ScenarioWorkload w) => Bytes("empty object", 1, "{}"u8.ToArray(), "application/json");

    private static HostileMessage TruncatedJson(ScenarioWorkload w)
    {
        var text = Text(w.ForbiddenEvent());
        return Bytes("truncated JSON", 1, Encoding.UTF8.GetBytes(text[..(text.Length / 2)]), "application/json");
    }

    private static HostileMessage ControlCharsAndFuture(ScenarioWorkload w)
    {
        var e = w.ForbiddenEvent();
        e = e with { TenantId = e.TenantId + "\u0007", OccurredAt = DateTimeOffset.UtcNow.AddDays(1) };
        return Bytes("control char + future", 1, UsageEventSpec.ToJson([e], asArray: false), "application/json");
    }

    // About 1 MB: an object whose model name is a million characters long (one letter).
    private static HostileMessage HugeModelName(ScenarioWorkload w)
    {
        var e = w.ForbiddenEvent() with { Model = new string('m', 1_000_000) };
        return Bytes("~1 MB model name", 1, UsageEventSpec.ToJson([e], asArray: false), "application/json");
    }

    // About 1 MB: an array of 1,001 padded events, one more than allowed (one letter, nothing recorded).
    private static HostileMessage TooManyItems(ScenarioWorkload w)
    {
        var padding = new string('p', 700);
        var buffer = new ArrayBufferWriter<byte>(1_100_000);
        using (var json = new Utf8JsonWriter(buffer, UsageEventSpec.WriterOptions))
        {
            json.WriteStartArray();
            for (var i = 0; i < 1001; i++) w.ForbiddenEvent().WriteTo(json, j => j.WriteString("requestId", padding + i));
            json.WriteEndArray();
        }
        return Bytes("~1 MB array of 1,001", 1, buffer.WrittenSpan.ToArray(), "application/json");
    }

    private static string Text(UsageEventSpec e) => Encoding.UTF8.GetString(UsageEventSpec.ToJson([e], asArray: false));

    /// <summary>The event as JSON with the number after <paramref name="property"/> replaced by a raw literal.</summary>
    private static byte[] Replace(UsageEventSpec e, string property, string literal)
    {
        var text = Text(e);
        var start = text.IndexOf(property, StringComparison.Ordinal) + property.Length;
        var end = start;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '-')) end++;
        return Encoding.UTF8.GetBytes(text[..start] + literal + text[end..]);
    }

    private static HostileMessage Raw(string kind, int letters, byte[] body) => Bytes(kind, letters, body, "application/json");

    private static HostileMessage Bytes(string kind, int letters, byte[] body, string contentType) =>
        new(kind, new OutgoingMessage(body, contentType, 0), letters);

    private static HostileMessage Json(string kind, int letters, ScenarioWorkload w, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, UsageEventSpec.WriterOptions)) write(json);
        return Bytes(kind, letters, buffer.WrittenSpan.ToArray(), "application/json");
    }
}
