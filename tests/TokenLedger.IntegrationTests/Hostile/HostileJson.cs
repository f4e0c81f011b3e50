using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace TokenLedger.IntegrationTests.Hostile;

/// <summary>Generators of hostile JSON: values that break naive readers, dropped into otherwise valid bodies.</summary>
public static class HostileJson
{
    /// <summary>A JSON value as raw text, so that what System.Text.Json would refuse to write (a lone surrogate) can be sent.</summary>
    public static Gen<string> Value() => Gen.OneOf(
        Gen.Elements(
            "\"\\u0000\"", "\"acme\\u0000\"", "\"\\ud800\"", "\"x\\udc00y\"", "\"\\u202eevil\"", "\"\\u0007\\u001b[31m\"",
            "\"😀🔥\"", "\"租户\"", "\"=HYPERLINK(\\\"http://x\\\")\"", "\"\"", "\"   \"", "\"\\n\"",
            "1e400", "-1e400", "79228162514264337593543950336", "-79228162514264337593543950336", "1e-400", "0.0000000000000000000000000000001",
            "-1", "-0", "0", "9223372036854775808", "-9223372036854775809", "3.5", "NaN", "\"NaN\"", "\"Infinity\"",
            "true", "false", "null", "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":1}}", "\"9999-13-45T99:99:99Z\"", "\"9999-06-01T00:00:00+25:00\""),
        Gen.Choose(1, 5_000).Select(n => "\"" + new string('x', n) + "\""),
        Gen.Constant("\"" + new string('y', 1_048_576) + "\""),
        Gen.Choose(65, 400).Select(depth => new string('[', depth) + new string(']', depth)),
        Gen.Choose(65, 400).Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));

    /// <summary>A valid body with one of its fields (or the whole body) replaced by a hostile value.</summary>
    public static Gen<string> Mutation(JsonObject valid) =>
        from field in Gen.Elements(valid.Select(p => p.Key).Append("").Append("unknownField").ToArray())
        from value in Value()
        select Replace(valid, field, value);

    private static string Replace(JsonObject valid, string field, string value)
    {
        if (field.Length == 0) return value;
        var builder = new StringBuilder("{");
        var first = true;
        foreach (var (name, node) in valid.Append(new KeyValuePair<string, JsonNode?>("unknownField", null)))
        {
            if (name == "unknownField" && field != "unknownField") continue;
            if (!first) builder.Append(',');
            first = false;
            builder.Append(System.Text.Json.JsonSerializer.Serialize(name)).Append(':');
            builder.Append(name == field ? value : node?.ToJsonString() ?? "null");
        }
        return builder.Append('}').ToString();
    }
}
