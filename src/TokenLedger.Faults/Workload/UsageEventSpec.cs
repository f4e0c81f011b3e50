using System.Text.Json;

namespace TokenLedger.Faults.Workload;

/// <summary>One valid usage event the harness publishes, and writes as contract v1 JSON.</summary>
public sealed record UsageEventSpec(
    string EventId, DateTimeOffset OccurredAt, string TenantId, string Model,
    long InputTokens, long CachedInputTokens, long OutputTokens, long CacheWriteTokens)
{
    /// <summary>Only what JSON requires is escaped ('+' of an offset stays '+').</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteTo(Utf8JsonWriter json, Action<Utf8JsonWriter>? extra = null)
    {
        json.WriteStartObject();
        json.WriteString("eventId", EventId);
        json.WriteString("occurredAt", Rfc3339(OccurredAt));
        json.WriteString("tenantId", TenantId);
        json.WriteString("model", Model);
        json.WriteNumber("inputTokens", InputTokens);
        json.WriteNumber("cachedInputTokens", CachedInputTokens);
        json.WriteNumber("outputTokens", OutputTokens);
        // Omitted rather than 0 now and then: the field is optional.
        if (CacheWriteTokens != 0) json.WriteNumber("cacheWriteTokens", CacheWriteTokens);
        extra?.Invoke(json);
        json.WriteEndObject();
    }

    /// <summary>RFC 3339 with milliseconds and an explicit offset ("Z" for UTC).</summary>
    public static string Rfc3339(DateTimeOffset at) =>
        at.Offset == TimeSpan.Zero ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'") : at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz");

    public static byte[] ToJson(IReadOnlyList<UsageEventSpec> events, bool asArray = true)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(events.Count * 280 + 16);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            if (!asArray && events.Count == 1)
            {
                events[0].WriteTo(json);
            }
            else
            {
                json.WriteStartArray();
                foreach (var e in events) e.WriteTo(json);
                json.WriteEndArray();
            }
        }
        return buffer.WrittenSpan.ToArray();
    }
}
