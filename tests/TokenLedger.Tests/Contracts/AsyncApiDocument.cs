using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// contracts/asyncapi.yaml parsed with YamlDotNet and turned into JSON nodes, resolving plain scalars by the YAML 1.2
/// core schema (null, booleans, integers, floats; everything else and every quoted scalar is a string) so that its
/// example payloads can be validated against the JSON Schemas.
/// </summary>
internal static class AsyncApiDocument
{
    public static readonly string Path = System.IO.Path.Combine(ContractFiles.Root, "asyncapi.yaml");

    public static JsonObject Read()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path)) yaml.Load(reader);
        return (JsonObject)ToJson(yaml.Documents.Single().RootNode)!;
    }

    /// <summary>The node a local reference such as <c>#/components/messages/UsageMessage</c> points at.</summary>
    public static JsonNode? Resolve(JsonObject document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new ArgumentException($"not a local reference: {reference}");
        JsonNode? node = document;
        foreach (var part in reference[2..].Split('/'))
            node = node is JsonObject o && o.TryGetPropertyValue(part.Replace("~1", "/").Replace("~0", "~"), out var child) ? child : null;
        return node;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?[0-9]+$") && long.TryParse(text, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"))
            return JsonValue.Create(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }
}
