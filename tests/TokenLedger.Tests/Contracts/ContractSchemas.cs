using System.Text.Json;
using Json.Schema;

namespace TokenLedger.Tests.Contracts;

/// <summary>
/// The JSON Schemas of contracts/schemas, built with JsonSchema.Net into one registry so that their relative
/// <c>$ref</c>s (usage-message → usage-event) resolve by <c>$id</c>, never over the network. <c>format</c> is asserted,
/// not just annotated, so a time stamp without an offset fails <c>date-time</c> as the ledger refuses it.
/// </summary>
internal static class ContractSchemas
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> All = new(Build);

    /// <summary>The file names in contracts/schemas, such as <c>usage-event.v1.schema.json</c>.</summary>
    public static IEnumerable<string> FileNames => All.Value.Keys;

    public static JsonSchema Get(string fileName) => All.Value[fileName];

    /// <summary>Why <paramref name="document"/> does not validate against the schema in <paramref name="fileName"/>; empty when it does.</summary>
    public static IReadOnlyList<string> Errors(string fileName, JsonElement document)
    {
        var results = Get(fileName).Evaluate(document, Evaluation);
        if (results.IsValid) return [];
        var errors = (results.Details ?? []).Prepend(results)
            .SelectMany(r => (r.Errors ?? new Dictionary<string, string>()).Select(e => $"{r.InstanceLocation} {e.Key}: {e.Value}"))
            .Distinct().ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    public static IReadOnlyList<string> Errors(string fileName, string json)
    {
        using var document = JsonDocument.Parse(json);
        return Errors(fileName, document.RootElement.Clone());
    }

    private static IReadOnlyDictionary<string, JsonSchema> Build()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var pending = Directory.GetFiles(ContractFiles.Schemas, "*.schema.json").Order(StringComparer.Ordinal).ToList();
        var built = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);

        // A schema whose $ref names another file builds only once that file is registered: retry until nothing moves.
        while (pending.Count > 0)
        {
            var failures = new List<Exception>();
            foreach (var path in pending.ToList())
            {
                try
                {
                    built[Path.GetFileName(path)] = JsonSchema.FromText(File.ReadAllText(path), options);
                    pending.Remove(path);
                }
                catch (Exception e) when (e is not JsonException)
                {
                    failures.Add(new InvalidOperationException($"{Path.GetFileName(path)}: {e.Message}", e));
                }
            }
            if (failures.Count == pending.Count && pending.Count > 0) throw new AggregateException("contracts/schemas do not build", failures);
        }
        return built;
    }
}
