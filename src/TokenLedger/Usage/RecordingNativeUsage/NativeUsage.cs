using System.Text.Json;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Usage.RecordingNativeUsage;

/// <summary>
/// Reads the provider-native envelope <c>{eventId, occurredAt, tenantId, model, format, usage:{…raw…}}</c> and
/// normalises the raw usage object into the ledger's four token classes. Confusing cached with uncached input is the
/// classic billing bug, so each format's rule is explicit and inconsistent payloads are refused, never clamped.
/// </summary>
public static class NativeUsage
{
    public static readonly IReadOnlyList<string> Formats = ["openai", "anthropic", "deepseek"];

    public static UsageItemDraft ReadDraft(JsonElement item)
    {
        var errors = new List<UsageFieldError>();
        var draft = UsageItemDraft.Read(item);
        foreach (var canonical in new[] { "inputTokens", "cachedInputTokens", "cacheWriteTokens", "outputTokens" })
            if (UsageItemDraft.TryGet(item, canonical, out _))
                errors.Add(new(canonical, $"{canonical} is not part of the native envelope; send the provider's raw object in usage"));

        var format = UsageItemDraft.ReadString(item, "format", errors);
        if (format is null && !errors.Any(e => e.Field == "format"))
            errors.Add(new("format", $"format is required: one of {string.Join(", ", Formats)}"));
        if (!UsageItemDraft.TryGet(item, "usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("usage", "usage must be the provider's usage object"));
            return draft with { InputTokens = 0, CachedInputTokens = 0, OutputTokens = 0, TypeErrors = [.. draft.TypeErrors, .. errors] };
        }

        var tokens = format switch
        {
            "openai" => OpenAi(usage, errors),
            "anthropic" => Anthropic(usage, errors),
            "deepseek" => DeepSeek(usage, errors),
            null => null,
            _ => Unknown(format, errors),
        };
        // When normalising failed its reasons are in errors; zeros keep the canonical "is required" rules quiet.
        tokens ??= new Tokens(0, 0, 0, 0);
        return draft with
        {
            InputTokens = tokens.Input, CachedInputTokens = tokens.Cached, CacheWriteTokens = tokens.CacheWrite, OutputTokens = tokens.Output,
            TypeErrors = [.. draft.TypeErrors, .. errors],
        };
    }

    private sealed record Tokens(long Input, long Cached, long CacheWrite, long Output);

    /// <summary>OpenAI: prompt_tokens INCLUDES prompt_tokens_details.cached_tokens (Responses API: input_tokens / input_tokens_details).</summary>
    private static Tokens? OpenAi(JsonElement usage, List<UsageFieldError> errors)
    {
        var responsesApi = UsageItemDraft.TryGet(usage, "input_tokens", out _);
        var (promptName, detailsName, completionName) = responsesApi
            ? ("input_tokens", "input_tokens_details", "output_tokens")
            : ("prompt_tokens", "prompt_tokens_details", "completion_tokens");
        var prompt = Required(usage, promptName, errors);
        var completion = Required(usage, completionName, errors);
        long? cached = 0;
        if (UsageItemDraft.TryGet(usage, detailsName, out var details))
        {
            if (details.ValueKind == JsonValueKind.Object) cached = Optional(details, "cached_tokens", $"usage.{detailsName}.cached_tokens", errors);
            else
            {
                errors.Add(new($"usage.{detailsName}", $"usage.{detailsName} must be an object, not {UsageItemDraft.Describe(details)}"));
                cached = null;
            }
        }
        if (prompt is null || completion is null || cached is null) return null;
        if (cached > prompt)
        {
            errors.Add(new($"usage.{detailsName}.cached_tokens", $"cached_tokens ({cached}) exceeds {promptName} ({prompt}), which includes them"));
            return null;
        }
        return new Tokens(prompt.Value - cached.Value, cached.Value, 0, completion.Value);
    }

    /// <summary>Anthropic: input_tokens EXCLUDES cache_read_input_tokens and cache_creation_input_tokens.</summary>
    private static Tokens? Anthropic(JsonElement usage, List<UsageFieldError> errors)
    {
        var input = Required(usage, "input_tokens", errors);
        var output = Required(usage, "output_tokens", errors);
        var read = Optional(usage, "cache_read_input_tokens", "usage.cache_read_input_tokens", errors);
        var creation = Optional(usage, "cache_creation_input_tokens", "usage.cache_creation_input_tokens", errors);
        return input is null || output is null || read is null || creation is null ? null : new Tokens(input.Value, read.Value, creation.Value, output.Value);
    }

    /// <summary>DeepSeek: prompt_cache_hit_tokens + prompt_cache_miss_tokens = prompt_tokens (checked when present).</summary>
    private static Tokens? DeepSeek(JsonElement usage, List<UsageFieldError> errors)
    {
        var hit = Required(usage, "prompt_cache_hit_tokens", errors);
        var miss = Required(usage, "prompt_cache_miss_tokens", errors);
        var completion = Required(usage, "completion_tokens", errors);
        if (hit is null || miss is null || completion is null) return null;
        if (UsageItemDraft.TryGet(usage, "prompt_tokens", out _) && Required(usage, "prompt_tokens", errors) is { } prompt && prompt != hit + miss)
        {
            errors.Add(new("usage.prompt_tokens", $"prompt_tokens ({prompt}) is not prompt_cache_hit_tokens + prompt_cache_miss_tokens ({hit + miss})"));
            return null;
        }
        return new Tokens(miss.Value, hit.Value, 0, completion.Value);
    }

    private static Tokens? Unknown(string format, List<UsageFieldError> errors)
    {
        errors.Add(new("format", $"format '{format}' is not supported; use one of {string.Join(", ", Formats)}"));
        return null;
    }

    private static long? Required(JsonElement usage, string name, List<UsageFieldError> errors)
    {
        var local = new List<UsageFieldError>();
        var value = UsageItemDraft.ReadTokens(usage, name, local);
        errors.AddRange(local.Select(e => e with { Field = $"usage.{name}" }));
        if (value is null && local.Count == 0) errors.Add(new($"usage.{name}", $"usage.{name} is required for this format"));
        return NonNegative(value, $"usage.{name}", errors);
    }

    private static long? Optional(JsonElement parent, string name, string path, List<UsageFieldError> errors)
    {
        var local = new List<UsageFieldError>();
        var value = UsageItemDraft.ReadTokens(parent, name, local);
        errors.AddRange(local.Select(e => e with { Field = path }));
        return local.Count > 0 ? null : NonNegative(value ?? 0, path, errors);
    }

    private static long? NonNegative(long? value, string path, List<UsageFieldError> errors)
    {
        if (value is not < 0) return value;
        errors.Add(new(path, $"{path} must not be negative"));
        return null;
    }
}
