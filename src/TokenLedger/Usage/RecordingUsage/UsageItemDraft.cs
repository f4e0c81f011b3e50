using System.Linq.Expressions;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using NodaTime;
using NodaTime.Text;
using TokenLedger.Contracts.Usage;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.RecordingUsage;

/// <summary>
/// One wire item read leniently (every field nullable) so that all of its problems can be reported at once:
/// type errors found while reading, then the rules of <see cref="Validator"/>.
/// </summary>
public sealed record UsageItemDraft
{
    private const int MinYear = 2000;
    private const int MaxYear = 2999;

    /// <summary>The ledger's one instant reader (<see cref="Infrastructure.Rfc3339"/>).</summary>
    private static readonly OffsetDateTimePattern Rfc3339 = Infrastructure.Rfc3339.Pattern;

    public string? EventId { get; init; }
    public OffsetDateTime? OccurredAt { get; init; }
    public string? TenantId { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public string? PlanId { get; init; }
    public string? DistributorId { get; init; }
    public string? RequestId { get; init; }
    public long? InputTokens { get; init; }
    public long? CachedInputTokens { get; init; }
    public long? CacheWriteTokens { get; init; }
    public long? OutputTokens { get; init; }
    public IReadOnlyList<UsageFieldError> TypeErrors { get; init; } = [];

    public UsageRecord ToRecord() => new(
        EventId!, TenantId!, Model!, OccurredAt!.Value.ToInstant(),
        InputTokens!.Value, CachedInputTokens!.Value, CacheWriteTokens ?? 0, OutputTokens!.Value,
        Provider, PlanId, DistributorId, RequestId);

    public static UsageItemDraft Read(JsonElement item)
    {
        var errors = new List<UsageFieldError>();
        return new UsageItemDraft
        {
            EventId = ReadString(item, "eventId", errors),
            OccurredAt = ReadTimestamp(item, "occurredAt", errors),
            TenantId = ReadString(item, "tenantId", errors),
            Model = ReadString(item, "model", errors),
            Provider = ReadString(item, "provider", errors),
            PlanId = ReadString(item, "planId", errors),
            DistributorId = ReadString(item, "distributorId", errors),
            RequestId = ReadString(item, "requestId", errors),
            InputTokens = ReadTokens(item, "inputTokens", errors),
            CachedInputTokens = ReadTokens(item, "cachedInputTokens", errors),
            CacheWriteTokens = ReadTokens(item, "cacheWriteTokens", errors),
            OutputTokens = ReadTokens(item, "outputTokens", errors),
            TypeErrors = errors,
        };
    }

    internal static bool TryGet(JsonElement item, string name, out JsonElement value) =>
        item.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    internal static string? ReadString(JsonElement item, string name, List<UsageFieldError> errors)
    {
        if (!TryGet(item, name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new(name, $"{name} must be a string, not {Describe(value)}"));
            return null;
        }
        if (TryGetText(value, out var text)) return text;
        errors.Add(new(name, $"{name} is not valid Unicode text"));
        return null;
    }

    private static OffsetDateTime? ReadTimestamp(JsonElement item, string name, List<UsageFieldError> errors)
    {
        if (!TryGet(item, name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String && TryGetText(value, out var text) && Rfc3339.Parse(text!) is { Success: true } parsed)
        {
            if (parsed.Value.Year is >= MinYear and <= MaxYear) return parsed.Value;
            errors.Add(new(name, $"{name} must be between the years {MinYear} and {MaxYear}"));
            return null;
        }
        errors.Add(new(name, Infrastructure.Rfc3339.Rule(name)));
        return null;
    }

    private static bool TryGetText(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    internal static long? ReadTokens(JsonElement item, string name, List<UsageFieldError> errors)
    {
        if (!TryGet(item, name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count)) return count;
        errors.Add(new(name, value.ValueKind == JsonValueKind.Number
            ? $"{name} must be a whole number between 0 and {UsageContract.MaxTokensPerField}"
            : $"{name} must be an integer, not {Describe(value)}"));
        return null;
    }

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    public sealed class Validator : AbstractValidator<UsageItemDraft>
    {
        private static readonly Duration FutureTolerance = Duration.FromMinutes(5);

        private const string NowKey = "now";

        /// <summary>Rules are built once; the ledger's clock reading travels with each validation (see <see cref="Validate(UsageItemDraft, Instant)"/>).</summary>
        public static readonly Validator Shared = new();

        public ValidationResult Validate(UsageItemDraft draft, Instant now)
        {
            var context = new ValidationContext<UsageItemDraft>(draft);
            context.RootContextData[NowKey] = now;
            return Validate(context);
        }

        public Validator()
        {
            RuleFor(x => x.EventId).NotEmpty().WithMessage("eventId is required")
                .MaximumLength(UsageContract.MaxEventIdLength).WithMessage($"eventId must be at most {UsageContract.MaxEventIdLength} characters")
                .Must(StorableText.IsIdentifier).WithMessage("eventId must not contain control characters")
                .OverridePropertyName("eventId").When(x => !HasTypeError(x, "eventId"));
            RuleFor(x => x.OccurredAt).NotNull().WithMessage("occurredAt is required")
                .Must((_, at, context) => at is null || at.Value.ToInstant() <= (Instant)context.RootContextData[NowKey] + FutureTolerance)
                .WithMessage("occurredAt is in the future")
                .OverridePropertyName("occurredAt").When(x => !HasTypeError(x, "occurredAt"));
            Identifier(x => x.TenantId, "tenantId", required: true);
            Identifier(x => x.Model, "model", required: true);
            Identifier(x => x.Provider, "provider", required: false);
            Identifier(x => x.PlanId, "planId", required: false);
            Identifier(x => x.DistributorId, "distributorId", required: false);
            Identifier(x => x.RequestId, "requestId", required: false);
            Tokens(x => x.InputTokens, "inputTokens", required: true);
            Tokens(x => x.CachedInputTokens, "cachedInputTokens", required: true);
            Tokens(x => x.OutputTokens, "outputTokens", required: true);
            Tokens(x => x.CacheWriteTokens, "cacheWriteTokens", required: false);
        }

        private void Identifier(Expression<Func<UsageItemDraft, string?>> field, string name, bool required)
        {
            if (required)
                RuleFor(field).NotEmpty().WithMessage($"{name} is required").OverridePropertyName(name).When(x => !HasTypeError(x, name));
            RuleFor(field)
                .MaximumLength(UsageContract.MaxIdentifierLength).WithMessage($"{name} must be at most {UsageContract.MaxIdentifierLength} characters")
                .Must(StorableText.IsIdentifier).WithMessage($"{name} must not contain control characters")
                .OverridePropertyName(name).When(x => !HasTypeError(x, name));
        }

        private void Tokens(Expression<Func<UsageItemDraft, long?>> field, string name, bool required)
        {
            if (required)
                RuleFor(field).NotNull().WithMessage($"{name} is required").OverridePropertyName(name).When(x => !HasTypeError(x, name));
            RuleFor(field)
                .InclusiveBetween(0, UsageContract.MaxTokensPerField).WithMessage($"{name} must be between 0 and {UsageContract.MaxTokensPerField}")
                .OverridePropertyName(name).When(x => !HasTypeError(x, name));
        }

        private static bool HasTypeError(UsageItemDraft draft, string field) => draft.TypeErrors.Any(e => e.Field == field);
    }
}

public sealed record UsageFieldError(string Field, string Message);
