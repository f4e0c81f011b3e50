using System.Text.Json;
using NodaTime;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.Balances.Holds;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants.RegisteringTenant;

namespace TokenLedger.Tests.Contracts;

/// <summary>The hold's 201 body and the tenant PUT body, serialised as the HTTP API writes them, validate against their schemas.</summary>
public class validating_the_hold_and_tenant_bodies
{
    /// <summary>As src/TokenLedger.Api/Hosting/HttpSetup.cs configures the HTTP JSON options.</summary>
    private static readonly JsonSerializerOptions Http = new JsonSerializerOptions(JsonSerializerDefaults.Web).ConfigureForLedger();

    private static IReadOnlyList<string> Errors(string schema, object body) => ContractSchemas.Errors(schema, JsonSerializer.SerializeToElement(body, body.GetType(), Http));

    [Theory]
    [InlineData(FundingSources.Plan)]
    [InlineData(FundingSources.Package)]
    [InlineData(FundingSources.Credit)]
    [InlineData(FundingSources.Wallet)]
    [InlineData(FundingSources.Postpaid)]
    public void a_hold_on_every_source_validates(string source) =>
        Errors("hold-response.v1.schema.json", new PlaceHold.HoldResponse("hold-1", "req-1", 0.028m, "CNY", source, Instant.FromUtc(2026, 12, 7, 2, 5))).ShouldBeEmpty();

    [Fact]
    public void a_hold_on_an_unknown_source_does_not_validate() =>
        Errors("hold-response.v1.schema.json", new PlaceHold.HoldResponse("hold-1", "req-1", 1m, "CNY", "packages", Instant.FromUtc(2026, 12, 7, 2, 5)))
            .ShouldContain(e => e.StartsWith("/source enum:"));

    [Fact]
    public void a_tenant_put_with_a_default_hold_ttl_validates_and_one_above_an_hour_does_not()
    {
        Errors("tenant-request.v1.schema.json", new PutTenantRequest("杭州智算科技", "Asia/Shanghai", "CNY", "retail-cn", 3600)).ShouldBeEmpty();
        Errors("tenant-request.v1.schema.json", new PutTenantRequest(null, null, null)).ShouldBeEmpty();
        Errors("tenant-request.v1.schema.json", new PutTenantRequest("Acme", null, null, null, 3601)).ShouldContain(e => e.StartsWith("/holdTtlSeconds maximum:"));
    }
}
