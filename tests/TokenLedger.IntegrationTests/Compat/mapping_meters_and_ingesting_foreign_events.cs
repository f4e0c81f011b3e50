using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Compat;

/// <summary>Meter mappings through the API (versioned, audited) and the OpenMeter / Lago routes' answers over raw HTTP.</summary>
[Collection(LedgerCollection.Name)]
public sealed class mapping_meters_and_ingesting_foreign_events(LedgerFixture fixture)
{
    private static StringContent Body(string json, string type = "application/json") => new(json, Encoding.UTF8, type);

    [Fact]
    public async Task a_published_mapping_is_versioned_audited_listed_and_applied_to_the_next_cloud_event()
    {
        var type = $"gw.tokens.{Guid.NewGuid():N}"[..30];
        var tenant = LedgerFixture.NewTenantId("meter");
        var mapping = new
        {
            tenantFrom = "property", tenantProperty = "org", model = "llm", inputTokens = "in", cachedInputTokens = "hit",
            outputTokens = "out", inputIncludesCached = true, requestId = "req",
        };

        (await fixture.Operator.PutAsJsonAsync($"/api/meters/{type}", mapping)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await fixture.Operator.PutAsJsonAsync($"/api/meters/{type}", mapping)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await fixture.Operator.PutAsJsonAsync($"/api/meters/{type}", mapping with { });
        var described = await second.Content.ReadFromJsonAsync<JsonElement>();
        described.GetProperty("versions").GetArrayLength().ShouldBe(1);
        described.GetProperty("versions")[0].GetProperty("actedBy").GetString().ShouldStartWith("admin:");

        var list = await fixture.Operator.GetFromJsonAsync<JsonElement>("/api/meters");
        list.GetProperty("meters").EnumerateArray().Select(m => m.GetProperty("eventType").GetString()).ShouldContain(type);
        list.GetProperty("meters").EnumerateArray().ShouldContain(m => m.GetProperty("eventType").GetString() == "litellm_tokens" && m.GetProperty("builtIn").GetBoolean());
        var audit = await fixture.Operator.GetFromJsonAsync<JsonElement>("/api/audit?limit=1000");
        audit.GetProperty("entries").EnumerateArray().ShouldContain(e => e.GetProperty("stream").GetString() == $"meter:{type}");

        var at = Epoch.UtcNow.AddMinutes(-2);
        var cloudEvent = $$"""
            {"specversion":"1.0","type":"{{type}}","id":"e1","source":"gw-7","time":"{{at:yyyy-MM-ddTHH:mm:ss.fffzzz}}",
             "data":{"org":"{{tenant}}","llm":"glm-4.6","in":1000,"hit":700,"out":40,"req":"r-9"} }
            """;
        var posted = await fixture.Operator.PostAsync("/compat/openmeter/api/v1/events", Body(cloudEvent, "application/cloudevents+json"));
        posted.StatusCode.ShouldBe(HttpStatusCode.NoContent, await posted.Content.ReadAsStringAsync());
        var report = await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, at.AddMinutes(-1), at.AddMinutes(1), [new ModelTotals("glm-4.6", 1, 300, 700, 0, 40)]);
        report.Models.ShouldBe([new ModelTotals("glm-4.6", 1, 300, 700, 0, 40)]);
    }

    [Fact]
    public async Task a_mapping_that_names_no_model_is_refused_with_the_field()
    {
        var response = await fixture.Operator.PutAsJsonAsync("/api/meters/broken", new { tenantFrom = "subject", inputTokens = "in", outputTokens = "out" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("model")[0].GetString()
            .ShouldBe("model is required: the name of the property that carries it");
    }

    [Fact]
    public async Task a_broken_cloud_event_or_content_type_fails_the_whole_request_as_openmeter_does()
    {
        var wrongType = await fixture.Operator.PostAsync("/compat/openmeter/api/v1/events", Body("{}", "text/plain"));
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        wrongType.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var batch = """[{"specversion":"1.0","type":"litellm_tokens","id":"x1","source":"s","subject":"acme","data":{"model":"m","prompt_tokens":1,"completion_tokens":1}},{"specversion":"1.0","type":"litellm_tokens","source":"s"}]""";
        var response = await fixture.Operator.PostAsync("/compat/openmeter/api/v1/events", Body(batch, "application/cloudevents-batch+json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("invalid event at index 1: id is required");
    }

    [Fact]
    public async Task a_lago_body_without_its_event_and_a_key_that_cannot_ingest_are_refused()
    {
        var response = await fixture.Operator.PostAsync("/compat/lago/api/v1/events", Body("""{"events":[]}"""));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString().ShouldBe("BadRequest: param is missing or the value is empty: event");

        var tenant = await fixture.TenantClientAsync(await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("ro")));
        (await tenant.PostAsync("/compat/lago/api/v1/events/batch", Body("""{"events":[]}"""))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
