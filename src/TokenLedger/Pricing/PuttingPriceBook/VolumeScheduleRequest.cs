using System.Globalization;
using TokenLedger.Infrastructure;

namespace TokenLedger.Pricing.PuttingPriceBook;

/// <summary>
/// A volume schedule on the wire: the tokens of <c>classes</c> (default all four) of <c>models</c> (one priced model, or a
/// group counted together; <c>name</c> labels the invoice line, default the models) accumulate over the billing period;
/// <c>mode</c> "graduated" discounts each band's tokens at its tier, "volume" discounts every token at the tier the total
/// reached. Tiers: <c>aboveTokens</c> strictly ascending, <c>discountPercent</c> a decimal string 0–100.
/// </summary>
public sealed record VolumeScheduleRequest(
    string? Name, IReadOnlyList<string>? Models, string? Mode, IReadOnlyList<string>? Classes, IReadOnlyList<VolumeTierRequest>? Tiers)
{
    public const int MaxTiers = 20;

    public static readonly IReadOnlyDictionary<string, TokenClass> ClassNames = new Dictionary<string, TokenClass>(StringComparer.Ordinal)
    {
        ["input"] = TokenClass.Input, ["cachedInput"] = TokenClass.CachedInput, ["cacheWrite"] = TokenClass.CacheWrite, ["output"] = TokenClass.Output,
    };

    public static ModelVolumeSchedule ToSchedule(VolumeScheduleRequest r, Func<string, decimal> parse) => new(
        string.IsNullOrEmpty(r.Name) ? string.Join(" + ", r.Models!) : r.Name,
        [.. r.Models!],
        r.Mode!,
        r.Classes is null || r.Classes.Count == 0 ? [.. ClassNames.Values] : [.. r.Classes.Select(c => ClassNames[c])],
        [.. r.Tiers!.Select(t => new VolumeScheduleTier(t.AboveTokens!.Value, parse(t.DiscountPercent!)))]);

    public static VolumeScheduleRequest FromSchedule(ModelVolumeSchedule s) => new(
        s.Name, [.. s.Models], s.Mode, [.. s.Classes.Select(c => ClassNames.Single(n => n.Value == c).Key)],
        [.. s.Tiers.Select(t => new VolumeTierRequest(t.AboveTokens, ExactDecimal.ToInvariantString(t.DiscountPercent)))]);

    /// <summary>Every rule of <c>volumeSchedules</c>; <paramref name="percent"/> checks a discount percent (decimal text, 0–100).</summary>
    public static void Check(
        IReadOnlyList<VolumeScheduleRequest?>? schedules, IReadOnlySet<string> pricedModels, IReadOnlyDictionary<string, string> aliases,
        Action<string, string> add, Action<string?, string> percent)
    {
        var scheduled = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (schedules?.Count ?? 0); i++)
        {
            var path = $"volumeSchedules[{i}]";
            var s = schedules![i];
            if (s is null)
            {
                add(path, $"{path} must be a volume schedule, not null");
                continue;
            }
            if (s.Name is not null && (s.Name.Length is 0 or > PutPriceBookRequest.MaxModelLength || s.Name.Any(char.IsControl)))
                add(path + ".name", $"{path}.name must be 1–{PutPriceBookRequest.MaxModelLength} characters without control characters");
            if (s.Mode is null || !VolumeModes.All.Contains(s.Mode))
                add(path + ".mode", $"{path}.mode must be \"graduated\" (each band's tokens at its tier) or \"volume\" (every token at the tier the total reached), not {Quoted(s.Mode)}");
            CheckModels(s, path, pricedModels, aliases, scheduled, i, add);
            var classes = s.Classes ?? [];
            for (var c = 0; c < classes.Count; c++)
                if (classes[c] is null || !ClassNames.ContainsKey(classes[c]))
                    add($"{path}.classes[{c}]", $"{path}.classes[{c}] must be input, cachedInput, cacheWrite or output, not {Quoted(classes[c])}");
                else if (classes.Take(c).Contains(classes[c]))
                    add($"{path}.classes[{c}]", $"{path}.classes[{c}] '{classes[c]}' is listed more than once");
            CheckTiers(s.Tiers, path, add, percent);
        }
    }

    private static void CheckModels(VolumeScheduleRequest s, string path, IReadOnlySet<string> priced, IReadOnlyDictionary<string, string> aliases,
        Dictionary<string, int> scheduled, int index, Action<string, string> add)
    {
        if (s.Models is null || s.Models.Count == 0)
        {
            add(path + ".models", $"{path}.models must list at least one priced model (several count together as a group)");
            return;
        }
        for (var m = 0; m < s.Models.Count; m++)
        {
            var model = s.Models[m];
            var modelPath = $"{path}.models[{m}]";
            if (string.IsNullOrEmpty(model)) add(modelPath, $"{modelPath} must name a priced model");
            else if (aliases.TryGetValue(model, out var target)) add(modelPath, $"{modelPath} '{model}' is an alias of '{target}': name the priced model");
            else if (!priced.Contains(model)) add(modelPath, $"{modelPath} '{model}' has no price in this price book version");
            else if (scheduled.TryGetValue(model, out var first))
                add(modelPath, first == index
                    ? $"{modelPath} '{model}' is listed more than once"
                    : $"{modelPath} '{model}' is already in volumeSchedules[{first}]: a model counts in one schedule only, so it is never discounted twice");
            else scheduled.Add(model, index);
        }
    }

    private static void CheckTiers(IReadOnlyList<VolumeTierRequest?>? tiers, string path, Action<string, string> add, Action<string?, string> percent)
    {
        if (tiers is null || tiers.Count == 0 || tiers.Count > MaxTiers)
        {
            add(path + ".tiers", $"{path}.tiers must list 1 to {MaxTiers} tiers");
            return;
        }
        long? previous = null;
        for (var t = 0; t < tiers.Count; t++)
        {
            var tierPath = $"{path}.tiers[{t}]";
            if (tiers[t] is not { } tier)
            {
                add(tierPath, $"{tierPath} must be a tier, not null");
                continue;
            }
            var above = tier.AboveTokens;
            if (above is null) add(tierPath + ".aboveTokens", $"{tierPath}.aboveTokens is required");
            else if (above < 0 || above > Bounds.MaxCapLimit)
                add(tierPath + ".aboveTokens", Invariant($"{tierPath}.aboveTokens must be between 0 and {Bounds.Text(Bounds.MaxCapLimit)}, not {above}"));
            else if (previous is not null && above <= previous)
                add(tierPath + ".aboveTokens", Invariant($"{tierPath}.aboveTokens {above} must be greater than the previous tier's {previous}: tiers must be strictly ascending"));
            if (above is >= 0) previous = previous is null ? above : Math.Max(previous.Value, above.Value);
            percent(tier.DiscountPercent, tierPath + ".discountPercent");
        }
    }

    private static string Quoted(string? text) => text is null ? "null" : $"'{text}'";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Tier n: tokens above <c>aboveTokens</c> counted in the period get <c>discountPercent</c> (decimal string) off.</summary>
public sealed record VolumeTierRequest(long? AboveTokens, string? DiscountPercent);
