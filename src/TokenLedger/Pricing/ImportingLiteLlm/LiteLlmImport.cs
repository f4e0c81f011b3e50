using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;

namespace TokenLedger.Pricing.ImportingLiteLlm;

/// <summary>A LiteLLM entry that gave no price, and why.</summary>
public sealed record LiteLlmUnmappedModel(string Model, string Reason);

/// <summary>A field of a mapped LiteLLM model that is not part of its price (or a note about one that is), and why.</summary>
public sealed record LiteLlmFieldNote(string Model, string Field, string Reason);

/// <summary>
/// What <see cref="LiteLlmImport.Read(string, IProgress{int}?)"/> found: the prices it could map (per million tokens, USD,
/// exact decimals), the models it could not map, the fields of mapped models it left out (service tiers, audio, images, …)
/// and warnings about values it took as written.
/// </summary>
public sealed record LiteLlmImportResult(
    IReadOnlyList<ModelPrice> Prices,
    IReadOnlyList<LiteLlmUnmappedModel> Unmapped,
    IReadOnlyList<LiteLlmFieldNote> FieldsNotMapped,
    IReadOnlyList<LiteLlmFieldNote> Warnings,
    int EntriesRead)
{
    /// <summary>LiteLLM prices are in US dollars.</summary>
    public const string Currency = "USD";

    public ModelPrice? Find(string model) => Prices.FirstOrDefault(p => p.Model == model);

    /// <summary>A price book version holding every mapped price, no aliases.</summary>
    public PriceBookVersion ToVersion(string priceBookId, int version, Instant effectiveFrom) => new(
        priceBookId, version, Currency, effectiveFrom,
        Prices.ToDictionary(p => p.Model, StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
}

/// <summary>
/// Reads LiteLLM's <c>model_prices_and_context_window.json</c>. USD-per-token numbers become per-million decimals from the
/// number's own text (2.8e-07 → 0.28 exactly); no value ever passes through <see cref="double"/>.
/// </summary>
/// <remarks>
/// Mapping: <c>input_cost_per_token</c> → input; <c>output_cost_per_token</c> → output; <c>cache_read_input_token_cost</c>
/// (or <c>input_cost_per_token_cache_hit</c>) → cached input, else the input price; <c>cache_creation_input_token_cost</c>
/// → cache write, else the input price; <c>*_above_Nk_tokens</c> → a context tier above N × 1,000 input tokens (a class
/// without its own above-price keeps its base price); <c>tiered_pricing</c> ranges [lo, hi] → the base prices for lo = 0
/// and a context tier above lo tokens otherwise. Service tiers (<c>_batches</c>, <c>_priority</c>, <c>_flex</c>), the
/// 1-hour cache write, reasoning, audio, image, video, per-second, per-character and per-query prices are reported, not mapped.
/// </remarks>
public static partial class LiteLlmImport
{
    private const int PerMillionDigits = 6;
    private const int ProgressEvery = 100;

    /// <summary>Entries of the file that are not models.</summary>
    public static readonly IReadOnlySet<string> NotModels = new HashSet<string>(StringComparer.Ordinal) { "sample_spec", "fallback_generalizations" };

    private const string Input = "input_cost_per_token";
    private const string Output = "output_cost_per_token";
    private const string CacheRead = "cache_read_input_token_cost";
    private const string CacheHit = "input_cost_per_token_cache_hit";
    private const string CacheCreation = "cache_creation_input_token_cost";
    private const string Tiered = "tiered_pricing";

    [GeneratedRegex(@"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_([0-9]{1,9})k_tokens\z", RegexOptions.CultureInvariant)]
    private static partial Regex AboveTokens();

    [GeneratedRegex(@"_(batches|priority|flex)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceTier();

    /// <summary>Reads the whole document. <paramref name="progress"/> gets the number of entries read so far, every 100 and at the end.</summary>
    public static LiteLlmImportResult Read(Stream json, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement, progress);
    }

    /// <inheritdoc cref="Read(Stream, IProgress{int}?)"/>
    public static LiteLlmImportResult Read(string json, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement, progress);
    }

    private static LiteLlmImportResult Read(JsonElement root, IProgress<int>? progress)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException($"a LiteLLM price file is a JSON object of models, not {root.ValueKind.ToString().ToLowerInvariant()}");

        var prices = new List<ModelPrice>();
        var unmapped = new List<LiteLlmUnmappedModel>();
        var fields = new List<LiteLlmFieldNote>();
        var warnings = new List<LiteLlmFieldNote>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var read = 0;
        foreach (var entry in root.EnumerateObject())
        {
            read++;
            if (read % ProgressEvery == 0) progress?.Report(read);
            if (NotModels.Contains(entry.Name)) continue;
            if (!seen.Add(entry.Name))
            {
                unmapped.Add(new(entry.Name, "listed more than once; the first entry is used"));
                continue;
            }
            var model = new ModelReader(entry.Name, fields, warnings);
            var (price, reason) = model.Map(entry.Value);
            if (price is not null) prices.Add(price);
            else unmapped.Add(new(entry.Name, reason!));
        }
        if (read % ProgressEvery != 0) progress?.Report(read);
        return new LiteLlmImportResult(prices, unmapped, fields, warnings, read);
    }

    /// <summary>USD per token (the number's JSON text) → per million tokens, exact; null if the text is not a number.</summary>
    public static decimal? PerMillion(string numberText) =>
        decimal.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var perToken)
            ? ExactDecimal.Normalize(ExactDecimal.MultiplyByPowerOfTen(perToken, PerMillionDigits))
            : null;

    private sealed class ModelReader(string model, List<LiteLlmFieldNote> fieldsNotMapped, List<LiteLlmFieldNote> warnings)
    {
        private readonly List<LiteLlmFieldNote> _notes = [];
        private readonly List<LiteLlmFieldNote> _warnings = [];

        public (ModelPrice? Price, string? Reason) Map(JsonElement entry)
        {
            if (entry.ValueKind != JsonValueKind.Object)
                return (null, $"not a model: a JSON {entry.ValueKind.ToString().ToLowerInvariant()} instead of an object");

            var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var tiers = new SortedDictionary<long, Dictionary<string, decimal>>();
            JsonElement? tiered = null;
            var otherPrices = new List<string>();
            foreach (var field in entry.EnumerateObject())
            {
                var name = field.Name;
                if (name == Tiered)
                {
                    tiered = field.Value;
                    continue;
                }
                var isTokenField = name is Input or Output or CacheRead or CacheHit or CacheCreation;
                var above = AboveTokens().Match(name);
                if (ServiceTier().Match(name) is { Success: true } service)
                {
                    Note(name, $"service tier '{service.Groups[1].Value}' is not mapped: requests are rated at the standard tier's prices");
                    continue;
                }
                if (name.StartsWith(CacheCreation + "_above_1hr", StringComparison.Ordinal))
                {
                    Note(name, $"the 1-hour cache write price is not mapped: cache writes are rated at {CacheCreation}");
                    continue;
                }
                if (!isTokenField && !above.Success)
                {
                    if (name.Contains("cost", StringComparison.Ordinal))
                    {
                        otherPrices.Add(name);
                        Note(name, name == "output_cost_per_reasoning_token"
                            ? "reasoning tokens are not a class of their own: they are rated as output tokens"
                            : "not a price per text token: not mapped");
                    }
                    continue;
                }
                if (!TryPrice(field, out var perMillion, out var problem)) return (null, problem);
                if (isTokenField) values[name] = perMillion;
                else
                {
                    var threshold = long.Parse(above.Groups[2].Value, CultureInfo.InvariantCulture) * 1000;
                    if (!tiers.TryGetValue(threshold, out var tier)) tiers[threshold] = tier = new(StringComparer.Ordinal);
                    tier[above.Groups[1].Value] = perMillion;
                }
            }

            var result = tiered is { } t
                ? FromTieredPricing(t, values, tiers)
                : FromFlatPrices(entry, values, tiers, otherPrices);
            if (result.Price is not null)
            {
                fieldsNotMapped.AddRange(_notes);
                warnings.AddRange(_warnings);
            }
            return result;
        }

        private (ModelPrice? Price, string? Reason) FromFlatPrices(
            JsonElement entry, Dictionary<string, decimal> values, SortedDictionary<long, Dictionary<string, decimal>> tiers, List<string> otherPrices)
        {
            var hasInput = values.TryGetValue(Input, out var input);
            var hasOutput = values.TryGetValue(Output, out var output);
            var mode = entry.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (!hasInput && !hasOutput)
                return (null, otherPrices.Count == 0
                    ? $"no prices at all (mode '{mode ?? "unknown"}')"
                    : $"no price per text token (mode '{mode ?? "unknown"}'); priced by {string.Join(", ", otherPrices)}");
            if (!hasInput)
                return (null, $"has {Output} but no {Input} (mode '{mode ?? "unknown"}'): rating only the output would under-charge");
            if (!hasOutput)
            {
                if (mode != "embedding")
                    return (null, $"has {Input} but no {Output} (mode '{mode ?? "unknown"}'): rating only the input would under-charge");
                output = 0m;
                Note(Output, "absent for an embedding model: output tokens are priced at 0");
            }

            var explicitCached = CachedPrice(values, out var cached);
            var explicitWrite = values.TryGetValue(CacheCreation, out var cacheWrite);
            var basePrices = new TokenPrices(input, explicitCached ? cached : input, explicitWrite ? cacheWrite : input, output);
            var contextTiers = tiers.Select(kv =>
            {
                var tierInput = kv.Value.GetValueOrDefault(Input, basePrices.InputPerMillion);
                return new ContextTier(kv.Key, new TokenPrices(
                    tierInput,
                    kv.Value.TryGetValue(CacheRead, out var c) ? c : explicitCached ? basePrices.CachedInputPerMillion : tierInput,
                    kv.Value.TryGetValue(CacheCreation, out var w) ? w : explicitWrite ? basePrices.CacheWritePerMillion : tierInput,
                    kv.Value.GetValueOrDefault(Output, basePrices.OutputPerMillion)));
            }).ToArray();
            return (new ModelPrice(model, basePrices, contextTiers, [], []), null);
        }

        private (ModelPrice? Price, string? Reason) FromTieredPricing(
            JsonElement tiered, Dictionary<string, decimal> values, SortedDictionary<long, Dictionary<string, decimal>> tiers)
        {
            if (tiered.ValueKind != JsonValueKind.Array || tiered.GetArrayLength() == 0)
                return (null, $"{Tiered} is not a non-empty array");
            foreach (var name in values.Keys.Where(k => k is Input or Output))
                Note(name, $"{Tiered} takes precedence over the flat price");
            foreach (var threshold in tiers.Keys)
                Note(Invariant($"*_above_{threshold / 1000}k_tokens"), $"{Tiered} takes precedence over context-length suffixes");

            var explicitCached = CachedPrice(values, out var cached);
            var explicitWrite = values.TryGetValue(CacheCreation, out var cacheWrite);
            TokenPrices? basePrices = null;
            var contextTiers = new List<ContextTier>();
            var index = 0;
            foreach (var range in tiered.EnumerateArray())
            {
                var path = $"{Tiered}[{index++}]";
                if (range.ValueKind != JsonValueKind.Object) return (null, $"{path} is not an object");
                if (!range.TryGetProperty("range", out var bounds) || bounds.ValueKind != JsonValueKind.Array || bounds.GetArrayLength() != 2)
                {
                    var priced = range.EnumerateObject().Where(p => p.Name.Contains("cost", StringComparison.Ordinal)).Select(p => p.Name).Distinct();
                    return (null, $"{path} has no input-token range [lo, hi]: not priced per token (priced by {string.Join(", ", priced)})");
                }
                var lo = bounds[0];
                if (lo.ValueKind != JsonValueKind.Number
                    || !decimal.TryParse(lo.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var from)
                    || from < 0 || from != decimal.Truncate(from) || from > long.MaxValue)
                    return (null, $"{path}.range starts at {lo.GetRawText()}, not a whole number of tokens");
                var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
                foreach (var field in range.EnumerateObject())
                {
                    if (field.Name == "range") continue;
                    if (field.Name is Input or Output or CacheRead or CacheCreation)
                    {
                        if (!TryPrice(field, out var perMillion, out var problem)) return (null, $"{path}: {problem}");
                        prices[field.Name] = perMillion;
                    }
                    else if (field.Name.Contains("cost", StringComparison.Ordinal))
                    {
                        Note($"{Tiered}.{field.Name}", field.Name == "output_cost_per_reasoning_token"
                            ? "reasoning tokens are not a class of their own: they are rated as output tokens"
                            : "not a price per text token: not mapped");
                    }
                }
                if (!prices.TryGetValue(Input, out var input) || !prices.TryGetValue(Output, out var output))
                    return (null, $"{path} lacks {Input} or {Output}");
                var tierPrices = new TokenPrices(
                    input,
                    prices.TryGetValue(CacheRead, out var c) ? c : explicitCached ? cached : input,
                    prices.TryGetValue(CacheCreation, out var w) ? w : explicitWrite ? cacheWrite : input,
                    output);
                var above = (long)from;
                if (above == 0)
                {
                    if (basePrices is not null) return (null, $"{path}: more than one range starts at 0");
                    basePrices = tierPrices;
                }
                else
                {
                    if (contextTiers.Any(ct => ct.AboveInputTokens == above)) return (null, Invariant($"{path}: more than one range starts at {above}"));
                    contextTiers.Add(new ContextTier(above, tierPrices));
                }
            }
            if (basePrices is null) return (null, $"{Tiered} has no range starting at 0, so there is no base price");
            return (new ModelPrice(model, basePrices, [.. contextTiers.OrderBy(ct => ct.AboveInputTokens)], [], []), null);
        }

        /// <summary>cache_read_input_token_cost, else input_cost_per_token_cache_hit; false if neither is given.</summary>
        private bool CachedPrice(Dictionary<string, decimal> values, out decimal cached)
        {
            var hasRead = values.TryGetValue(CacheRead, out var read);
            var hasHit = values.TryGetValue(CacheHit, out var hit);
            if (hasRead && hasHit && read != hit)
                Warn(CacheHit, Invariant($"differs from {CacheRead} ({hit} vs {read} per million); {CacheRead} is used"));
            cached = hasRead ? read : hit;
            return hasRead || hasHit;
        }

        private bool TryPrice(JsonProperty field, out decimal perMillion, out string? problem)
        {
            perMillion = 0m;
            problem = null;
            if (field.Value.ValueKind != JsonValueKind.Number)
            {
                problem = $"{field.Name} is a JSON {field.Value.ValueKind.ToString().ToLowerInvariant()}, not a number";
                return false;
            }
            var text = field.Value.GetRawText();
            decimal? value;
            try
            {
                value = PerMillion(text);
            }
            catch (OverflowException)
            {
                value = null;
            }
            if (value is null)
            {
                problem = $"{field.Name} {text} is not a decimal number";
                return false;
            }
            if (value < 0)
            {
                problem = $"{field.Name} {text} is negative";
                return false;
            }
            perMillion = value.Value;
            if (SignificantDigits(text) >= 16)
                Warn(field.Name, Invariant(
                    $"{text} looks like a binary floating-point artefact; imported exactly as written: {ExactDecimal.ToInvariantString(perMillion)} per million"));
            return true;
        }

        private void Note(string field, string reason) => _notes.Add(new(model, field, reason));

        private void Warn(string field, string reason) => _warnings.Add(new(model, field, reason));

        private static int SignificantDigits(string numberText)
        {
            var mantissa = numberText.Split('e', 'E')[0].Replace(".", "", StringComparison.Ordinal).TrimStart('-', '0');
            return mantissa.Length;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
