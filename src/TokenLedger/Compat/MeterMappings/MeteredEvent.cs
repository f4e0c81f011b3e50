using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using TokenLedger.Contracts.Usage;
using TokenLedger.Usage.RecordingUsage;

namespace TokenLedger.Compat.MeterMappings;

/// <summary>
/// One event of a foreign ingest API (an OpenMeter CloudEvent, a Lago event) with its envelope already read: the
/// ledger eventId derived from its own id, when it occurred (null: when it was received), its subject, its type or code
/// and its property object. <see cref="ToDraft"/> turns it into the ledger's own usage draft through a mapping, so that
/// the native validation, scoping, dedupe and commit apply unchanged.
/// </summary>
public sealed record MeteredEvent(
    string EventId, OffsetDateTime? OccurredAt, string? Subject, string Type, JsonElement? Properties, string PropertiesName)
{
    /// <summary>
    /// The ledger eventId of a foreign event id within its scope (an OpenMeter <c>source</c>, a Lago subscription or
    /// customer): <c>{prefix}:{length of scope}:{scope}:{id}</c>, so no two (scope, id) pairs collide, or a SHA-256 of
    /// the same text when that is longer than an eventId may be. Deterministic: a resend gets the same eventId.
    /// </summary>
    public static string LedgerEventId(string prefix, string scope, string id)
    {
        var text = $"{prefix}:{scope.Length.ToString(CultureInfo.InvariantCulture)}:{scope}:{id}";
        if (text.Length <= UsageContract.MaxEventIdLength) return text;
        return $"{prefix}:sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))}";
    }

    public UsageItemDraft ToDraft(MeterMappingContent? mapping, Instant receivedAt)
    {
        var errors = new List<UsageFieldError>();
        var occurredAt = OccurredAt ?? receivedAt.WithOffset(Offset.Zero);
        if (occurredAt.Year is < 2000 or > 2999) errors.Add(new("occurredAt", "the event's time must be between the years 2000 and 2999"));
        if (mapping is null)
        {
            errors.Add(new("type", $"no meter mapping for event type '{Type}': define one with PUT /api/meters/{Type}"));
            return Refused(occurredAt, errors);
        }
        if (Properties is not { ValueKind: JsonValueKind.Object } properties)
        {
            errors.Add(new(PropertiesName, $"{PropertiesName} must be an object carrying the token counts (meter '{Type}')"));
            return Refused(occurredAt, errors);
        }

        var tenant = mapping.TenantFrom == MeterMappingContent.FromSubject ? Subject : Text(properties, mapping.TenantProperty!, errors);
        if (tenant is null && mapping.TenantFrom == MeterMappingContent.FromSubject)
            errors.Add(new("subject", $"meter '{Type}' takes the tenant from the subject, and this event has none"));
        var input = Tokens(properties, mapping.InputTokens!, required: true, errors);
        var cached = Tokens(properties, mapping.CachedInputTokens, required: false, errors);
        if (mapping.InputIncludesCached && input is { } whole && cached is { } part)
        {
            if (part > whole) errors.Add(new(Path(mapping.CachedInputTokens!), $"{Path(mapping.CachedInputTokens!)} ({part}) exceeds {Path(mapping.InputTokens!)} ({whole}), which includes it"));
            else input = whole - part;
        }

        return new UsageItemDraft
        {
            EventId = EventId,
            OccurredAt = occurredAt,
            // A null below always comes with its reason in errors; the placeholders keep the native "is required" rules quiet.
            TenantId = tenant ?? "-",
            Model = Text(properties, mapping.Model!, errors) ?? "-",
            InputTokens = input ?? 0,
            CachedInputTokens = cached ?? 0,
            CacheWriteTokens = Tokens(properties, mapping.CacheWriteTokens, required: false, errors) ?? 0,
            OutputTokens = Tokens(properties, mapping.OutputTokens!, required: true, errors) ?? 0,
            RequestId = Optional(properties, mapping.RequestId, errors),
            PlanId = Optional(properties, mapping.PlanId, errors),
            DistributorId = Optional(properties, mapping.DistributorId, errors),
            TypeErrors = errors,
        };
    }

    private UsageItemDraft Refused(OffsetDateTime occurredAt, List<UsageFieldError> errors) => new()
    {
        EventId = EventId, OccurredAt = occurredAt, TenantId = Subject ?? "-", Model = "-",
        InputTokens = 0, CachedInputTokens = 0, OutputTokens = 0, TypeErrors = errors,
    };

    private string Path(string property) => $"{PropertiesName}.{property}";

    private string? Optional(JsonElement properties, string? name, List<UsageFieldError> errors) =>
        name is null || !properties.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null : Text(properties, name, errors);

    private string? Text(JsonElement properties, string name, List<UsageFieldError> errors)
    {
        if (!properties.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new(Path(name), $"{Path(name)} is missing (meter '{Type}' reads it)"));
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                errors.Add(new(Path(name), $"{Path(name)} is not valid Unicode text"));
                return null;
            }
        }
        if (value.ValueKind == JsonValueKind.Number) return value.GetRawText();
        errors.Add(new(Path(name), $"{Path(name)} must be a string, not {UsageItemDraft.Describe(value)}"));
        return null;
    }

    /// <summary>A token count: a JSON integer, or a string holding one (OpenMeter and Lago both accept numeric strings).</summary>
    private long? Tokens(JsonElement properties, string? name, bool required, List<UsageFieldError> errors)
    {
        if (name is null) return null;
        if (!properties.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(new(Path(name), $"{Path(name)} is missing (meter '{Type}' reads a token count from it)"));
            return null;
        }
        long count;
        var ok = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out count),
            // The raw text between the quotes: digits have no escapes, and an unpaired surrogate escape cannot throw here.
            JsonValueKind.String => long.TryParse(value.GetRawText().AsSpan()[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out count),
            _ => (count = 0) != 0,
        };
        if (ok && count is >= 0 and <= UsageContract.MaxTokensPerField) return count;
        errors.Add(new(Path(name), $"{Path(name)} must be a whole number of tokens between 0 and {UsageContract.MaxTokensPerField}, not {value.GetRawText()}"));
        return null;
    }
}
