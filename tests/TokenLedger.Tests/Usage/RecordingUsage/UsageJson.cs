using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Tests.Usage.RecordingUsage;

/// <summary>Builds usage message bodies: a valid item to start from, then one change per test.</summary>
internal static class UsageJson
{
    /// <summary>The ledger's clock in these tests: 2026-06-12T16:00:00+08:00.</summary>
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject ValidItem(string eventId = "evt-1") => new()
    {
        ["eventId"] = eventId,
        ["occurredAt"] = "2026-06-12T14:03:27.412+08:00",
        ["tenantId"] = "acme",
        ["model"] = "deepseek-chat",
        ["inputTokens"] = 1830,
        ["cachedInputTokens"] = 4096,
        ["outputTokens"] = 612,
    };

    public static JsonObject With(this JsonObject item, string name, JsonNode? value)
    {
        item[name] = value;
        return item;
    }

    /// <summary>Sets a field to a raw JSON literal, e.g. <c>1.5</c>, <c>true</c> or <c>{"a":1}</c>.</summary>
    public static JsonObject WithRaw(this JsonObject item, string name, string json) => item.With(name, JsonNode.Parse(json));

    public static JsonObject Without(this JsonObject item, string name)
    {
        item.Remove(name);
        return item;
    }

    public static string Text(this JsonNode node) => node.ToJsonString(Readable);

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    public static IReadOnlyList<UsageItem> Read(string json, Instant? now = null) => UsageMessage.Read(Utf8(json), now ?? Now);

    public static IReadOnlyList<UsageItem> Read(JsonNode node, Instant? now = null) => Read(node.Text(), now);

    public static JsonArray ArrayOf(IEnumerable<JsonNode?> items) => new(items.ToArray());
}
