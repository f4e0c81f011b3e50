using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenLedger.Idempotency;

/// <summary>
/// What a key is bound to: the operation (method and path) and the body. A JSON body is compared by content, not by
/// spelling: property order and whitespace do not matter, every value does. Another body is compared byte for byte.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(string operation, ReadOnlySpan<byte> body, JsonNode? json)
    {
        var canonical = json is null ? body.ToArray() : Encoding.UTF8.GetBytes(Canonical(json));
        var bytes = Encoding.UTF8.GetBytes(operation + "\n").Concat(canonical).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
