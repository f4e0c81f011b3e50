using System.Text.Json;
using NodaTime;
using Shouldly;
using TokenLedger.Compat;
using TokenLedger.Compat.IngestingLago;
using TokenLedger.Compat.IngestingOpenMeter;
using TokenLedger.Compat.MeterMappings;
using TokenLedger.Contracts.Usage;

namespace TokenLedger.Tests.Compat;

/// <summary>OpenMeter CloudEvents and Lago events through meter mappings into the ledger's own usage items.</summary>
public class mapping_foreign_events
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);
    private static readonly IReadOnlyDictionary<string, MeterMappingContent> Defaults = DefaultMeterMappings.All;

    private static TokenLedger.Usage.RecordingUsage.UsageItem OpenMeter(string json, IReadOnlyDictionary<string, MeterMappingContent>? mappings = null) =>
        CompatIngest.ToItems([CloudEvents.Read(JsonDocument.Parse(json).RootElement, 0)], mappings ?? Defaults, Now).ShouldHaveSingleItem();

    private static TokenLedger.Usage.RecordingUsage.UsageItem Lago(string json, IReadOnlyDictionary<string, MeterMappingContent>? mappings = null) =>
        CompatIngest.ToItems([LagoEvents.Read(JsonDocument.Parse(json).RootElement, null)], mappings ?? Defaults, Now).ShouldHaveSingleItem();

    private const string LiteLlmOpenMeter = """
        {"specversion":"1.0","type":"litellm_tokens","id":"chatcmpl-42","time":"2026-06-12T07:59:00.123456+00:00","subject":"acme",
         "source":"litellm-proxy","data":{"model":"gpt-4o","cost":0.0012,"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500}}
        """;

    [Fact]
    public void what_litellms_openmeter_callback_sends_is_usage_under_the_built_in_mapping()
    {
        var record = OpenMeter(LiteLlmOpenMeter).Record.ShouldNotBeNull();
        (record.EventId, record.TenantId, record.Model).ShouldBe(("om:13:litellm-proxy:chatcmpl-42", "acme", "gpt-4o"));
        (record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens).ShouldBe((1200L, 0L, 0L, 300L));
        record.OccurredAt.ShouldBe(Instant.FromUtc(2026, 6, 12, 7, 59) + Duration.FromTicks(1_234_560));
    }

    [Fact]
    public void what_litellms_lago_callback_sends_is_usage_under_the_built_in_mapping_and_gets_the_reception_time()
    {
        var record = Lago("""
            {"transaction_id":"5f0c","external_subscription_id":"acme","code":"litellm_tokens",
             "properties":{"model":"deepseek-chat","response_cost":0.01,"prompt_tokens":"80","completion_tokens":20,"total_tokens":100}}
            """).Record.ShouldNotBeNull();
        (record.EventId, record.TenantId, record.Model, record.InputTokens, record.OutputTokens).ShouldBe(("lago:4:acme:5f0c", "acme", "deepseek-chat", 80L, 20L));
        record.OccurredAt.ShouldBe(Now);
    }

    [Fact]
    public void the_same_cloud_event_id_from_two_sources_is_two_events_and_the_scope_cannot_be_forged_by_a_separator()
    {
        MeteredEvent.LedgerEventId("om", "a:b", "c").ShouldNotBe(MeteredEvent.LedgerEventId("om", "a", "b:c"));
        MeteredEvent.LedgerEventId("om", "s1", "x").ShouldNotBe(MeteredEvent.LedgerEventId("om", "s2", "x"));
        var longId = MeteredEvent.LedgerEventId("om", new string('s', 300), "x");
        longId.Length.ShouldBeLessThanOrEqualTo(UsageContract.MaxEventIdLength);
        longId.ShouldBe(MeteredEvent.LedgerEventId("om", new string('s', 300), "x"));
    }

    [Fact]
    public void an_unknown_type_is_refused_with_the_way_to_map_it()
    {
        var item = OpenMeter(LiteLlmOpenMeter.Replace("litellm_tokens", "image_calls"));
        item.Record.ShouldBeNull();
        item.Errors.ShouldContain(e => e.Field == "type" && e.Message == "no meter mapping for event type 'image_calls': define one with PUT /api/meters/image_calls");
    }

    [Fact]
    public void a_missing_or_fractional_token_count_is_refused_naming_the_property()
    {
        OpenMeter(LiteLlmOpenMeter.Replace("\"prompt_tokens\":1200,", "")).Errors
            .ShouldContain(e => e.Field == "data.prompt_tokens" && e.Message == "data.prompt_tokens is missing (meter 'litellm_tokens' reads a token count from it)");
        OpenMeter(LiteLlmOpenMeter.Replace("1200", "12.5")).Errors.ShouldContain(e => e.Field == "data.prompt_tokens");
        OpenMeter(LiteLlmOpenMeter.Replace("\"subject\":\"acme\",", "")).Errors.ShouldContain(e => e.Field == "subject");
    }

    [Fact]
    public void a_mapping_reads_the_tenant_and_identifiers_from_properties_and_can_take_cached_tokens_out_of_the_input()
    {
        var mapping = new MeterMappingContent(MeterMappingContent.FromProperty, "org", "llm", "in", "cached", "written", "out",
            InputIncludesCached: true, RequestId: "req", PlanId: "plan", DistributorId: "reseller");
        var record = OpenMeter("""
            {"specversion":"1.0","type":"tokens","id":"1","source":"gw","subject":"ignored",
             "data":{"org":"globex","llm":"qwen3-max","in":1000,"cached":600,"written":50,"out":9,"req":"r-1","plan":"coding","reseller":"cloudmart"}}
            """, new Dictionary<string, MeterMappingContent> { ["tokens"] = mapping }).Record.ShouldNotBeNull();
        (record.TenantId, record.Model, record.InputTokens, record.CachedInputTokens, record.CacheWriteTokens, record.OutputTokens)
            .ShouldBe(("globex", "qwen3-max", 400L, 600L, 50L, 9L));
        (record.RequestId, record.PlanId, record.DistributorId).ShouldBe(("r-1", "coding", "cloudmart"));
    }

    [Fact]
    public void a_cloud_event_without_its_required_attributes_is_refused_at_the_envelope()
    {
        var read = CloudEvents.Read(JsonDocument.Parse("""{"specversion":"0.3","type":"t","id":"1"}""").RootElement, 3);
        read.Event.ShouldBeNull();
        read.EnvelopeErrors.Select(e => e.Field).ShouldBe(["specversion", "source"]);
    }

    [Fact]
    public void lago_timestamps_are_unix_seconds_with_decimals_or_rfc3339()
    {
        static Instant At(string timestamp) => Lago($$"""
            {"transaction_id":"t","external_customer_id":"acme","code":"litellm_tokens","timestamp":{{timestamp}},
             "properties":{"model":"m","prompt_tokens":1,"completion_tokens":1} }
            """).Record.ShouldNotBeNull().OccurredAt;
        At("1781251200").ShouldBe(Instant.FromUnixTimeSeconds(1781251200));
        At("\"1781251200.5\"").ShouldBe(Instant.FromUnixTimeMilliseconds(1781251200500));
        At("\"2026-06-12T07:00:00Z\"").ShouldBe(Instant.FromUtc(2026, 6, 12, 7, 0));
        Lago("""{"transaction_id":"t","external_customer_id":"acme","code":"litellm_tokens","timestamp":0,"properties":{"model":"m","prompt_tokens":1,"completion_tokens":1}}""")
            .Errors.ShouldContain(e => e.Field == "occurredAt");
    }

    [Fact]
    public void unpaired_surrogate_escapes_in_counts_and_property_names_are_refused_not_thrown()
    {
        OpenMeter(LiteLlmOpenMeter.Replace("1200", "\"\\ud800\"")).Errors.ShouldContain(e => e.Field == "data.prompt_tokens");
        OpenMeter(LiteLlmOpenMeter.Replace("\"cost\"", "\"\\udc00\"")).Errors.ShouldContain(e => e.Field == "data");
        CloudEvents.Read(JsonDocument.Parse(LiteLlmOpenMeter.Replace("\"source\"", "\"\\ud800\"")).RootElement, 0).EnvelopeErrors
            .ShouldHaveSingleItem().Field.ShouldBe("event");
    }

    [Fact]
    public void a_lago_event_without_customer_or_subscription_is_refused()
    {
        var read = LagoEvents.Read(JsonDocument.Parse("""{"transaction_id":"t","code":"c"}""").RootElement, 0);
        read.EnvelopeErrors.ShouldHaveSingleItem().Field.ShouldBe("external_subscription_id");
    }

    [Fact]
    public void publishing_the_same_mapping_twice_records_one_version()
    {
        var content = DefaultMeterMappings.All[DefaultMeterMappings.LiteLlmTokens];
        var first = (MeterMappingPublished)PublishMeterMapping.Decide(null, "litellm_tokens", content, Now, "k1").ShouldHaveSingleItem();
        var mapping = MeterMapping.Create(first);
        PublishMeterMapping.Decide(mapping, "litellm_tokens", content, Now, "k1").ShouldBeEmpty();
        var second = (MeterMappingPublished)PublishMeterMapping.Decide(mapping, "litellm_tokens", content with { CachedInputTokens = "cached" }, Now, "k2").ShouldHaveSingleItem();
        (second.Version, second.ActedBy).ShouldBe((2, "k2"));
        mapping.Apply(second).Latest.Mapping.CachedInputTokens.ShouldBe("cached");
    }

    [Fact]
    public void a_mapping_names_its_required_properties()
    {
        var result = MeterMappingContent.Validator.Shared.Validate(new MeterMappingContent("property", null, null, "in", null, null, "out bad"));
        result.Errors.Select(e => e.PropertyName).Distinct().Order().ShouldBe(["model", "outputTokens", "tenantProperty"]);
    }
}
