using System.Text.RegularExpressions;
using FluentValidation;
using NodaTime;

namespace TokenLedger.Compat.MeterMappings;

/// <summary>
/// How the events of one type (an OpenMeter CloudEvent <c>type</c>, a Lago <c>code</c>) become ledger usage: where the
/// tenant comes from, and which property of the event's <c>data</c> (OpenMeter) or <c>properties</c> (Lago) carries the
/// model, each token class and the optional identifiers. Property names are top-level names of that object.
/// </summary>
public sealed record MeterMappingContent(
    string? TenantFrom,
    string? TenantProperty,
    string? Model,
    string? InputTokens,
    string? CachedInputTokens,
    string? CacheWriteTokens,
    string? OutputTokens,
    bool InputIncludesCached = false,
    string? RequestId = null,
    string? PlanId = null,
    string? DistributorId = null)
{
    /// <summary>The tenant is the CloudEvent <c>subject</c> (Lago: <c>external_customer_id</c>, else <c>external_subscription_id</c>).</summary>
    public const string FromSubject = "subject";

    /// <summary>The tenant is the value of the property named by <see cref="TenantProperty"/>.</summary>
    public const string FromProperty = "property";

    public const int MaxPropertyLength = 64;

    private static readonly Regex PropertyName = new(@"^[A-Za-z0-9_$@.\-]{1,64}\z", RegexOptions.CultureInvariant);

    public sealed class Validator : AbstractValidator<MeterMappingContent>
    {
        public static readonly Validator Shared = new();

        public Validator()
        {
            RuleFor(x => x.TenantFrom).Must(t => t is FromSubject or FromProperty)
                .WithMessage($"tenantFrom must be '{FromSubject}' or '{FromProperty}'").OverridePropertyName("tenantFrom");
            RuleFor(x => x.TenantProperty).NotEmpty().When(x => x.TenantFrom == FromProperty)
                .WithMessage("tenantProperty is required when tenantFrom is 'property'").OverridePropertyName("tenantProperty");
            RuleFor(x => x.TenantProperty).Null().When(x => x.TenantFrom == FromSubject)
                .WithMessage("tenantProperty goes only with tenantFrom 'property'").OverridePropertyName("tenantProperty");
            Property(x => x.TenantProperty, "tenantProperty", required: false);
            Property(x => x.Model, "model", required: true);
            Property(x => x.InputTokens, "inputTokens", required: true);
            Property(x => x.CachedInputTokens, "cachedInputTokens", required: false);
            Property(x => x.CacheWriteTokens, "cacheWriteTokens", required: false);
            Property(x => x.OutputTokens, "outputTokens", required: true);
            Property(x => x.RequestId, "requestId", required: false);
            Property(x => x.PlanId, "planId", required: false);
            Property(x => x.DistributorId, "distributorId", required: false);
            RuleFor(x => x.CachedInputTokens).NotEmpty().When(x => x.InputIncludesCached)
                .WithMessage("inputIncludesCached needs cachedInputTokens: the cached count is what is taken out of the input")
                .OverridePropertyName("cachedInputTokens");
        }

        private void Property(System.Linq.Expressions.Expression<Func<MeterMappingContent, string?>> field, string name, bool required)
        {
            if (required) RuleFor(field).NotEmpty().WithMessage($"{name} is required: the name of the property that carries it").OverridePropertyName(name);
            RuleFor(field).Must(p => p is null || PropertyName.IsMatch(p))
                .WithMessage($"{name} must be a property name of 1–{MaxPropertyLength} letters, digits, '_', '-', '.', '$' or '@'")
                .OverridePropertyName(name);
        }
    }
}

/// <summary>A new version of an event type's mapping was published; the ingest routes apply the latest version.</summary>
public sealed record MeterMappingPublished(string EventType, int Version, MeterMappingContent Mapping, Instant PublishedAt, string? ActedBy);

public sealed record MeterMappingVersion(int Version, MeterMappingContent Mapping, Instant PublishedAt, string? ActedBy);

/// <summary>Inline snapshot of <c>meter:{eventType}</c>: every version ever published, never edited.</summary>
public sealed partial record MeterMapping(string Id, string EventType, IReadOnlyList<MeterMappingVersion> Versions)
{
    public static MeterMapping Create(MeterMappingPublished e) =>
        new(MeterMappingStreams.For(e.EventType), e.EventType, [new(e.Version, e.Mapping, e.PublishedAt, e.ActedBy)]);

    public MeterMapping Apply(MeterMappingPublished e) => this with { Versions = [.. Versions, new(e.Version, e.Mapping, e.PublishedAt, e.ActedBy)] };

    public MeterMappingVersion Latest => Versions[^1];

    public int NextVersion => Versions.Count + 1;
}

public static class MeterMappingStreams
{
    public static string For(string eventType) => $"meter:{eventType}";
}

/// <summary>Publishes a mapping version; the same content as the latest version changes nothing.</summary>
public static class PublishMeterMapping
{
    public static object[] Decide(MeterMapping? current, string eventType, MeterMappingContent content, Instant now, string? actedBy) =>
        current?.Latest.Mapping == content ? [] : [new MeterMappingPublished(eventType, current?.NextVersion ?? 1, content, now, actedBy)];
}

/// <summary>
/// Built-in mappings, in force for their event type until a mapping of that type is published. <c>litellm_tokens</c>
/// is what LiteLLM's <c>openmeter</c> callback sends (its default <c>OPENMETER_EVENT_TYPE</c>; data
/// <c>{model, cost, prompt_tokens, completion_tokens, total_tokens}</c>, subject = the LiteLLM user) and what its
/// <c>lago</c> callback sends with <c>LAGO_API_EVENT_CODE=litellm_tokens</c> (the same property names in
/// <c>properties</c>, the customer in <c>external_subscription_id</c>). LiteLLM's <c>prompt_tokens</c> is OpenAI's, which
/// includes cached tokens, but LiteLLM sends no cached count: the whole prompt is billed as input.
/// </summary>
public static class DefaultMeterMappings
{
    public const string LiteLlmTokens = "litellm_tokens";

    public static readonly IReadOnlyDictionary<string, MeterMappingContent> All = new Dictionary<string, MeterMappingContent>(StringComparer.Ordinal)
    {
        [LiteLlmTokens] = new(MeterMappingContent.FromSubject, null, "model", "prompt_tokens", null, null, "completion_tokens"),
    };
}
