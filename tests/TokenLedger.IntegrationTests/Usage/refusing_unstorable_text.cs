using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>Text PostgreSQL cannot store is refused with a 400 naming the field, on every endpoint, before it reaches the database.</summary>
[Collection(LedgerCollection.Name)]
public sealed class refusing_unstorable_text(LedgerFixture fixture)
{
    [Theory]
    [InlineData("Acme\\u0000 Ltd", "name must not contain the NUL character")]
    [InlineData("Acme\\ud800 Ltd", "name is not valid Unicode text (an unpaired surrogate)")]
    [InlineData("Acme\\u0007 Ltd", "name must not contain control characters")]
    public async Task a_tenant_name_postgresql_cannot_store_answers_400_naming_the_field(string escaped, string message)
    {
        var tenant = LedgerFixture.NewTenantId("text");
        var body = new StringContent($"{{\"name\":\"{escaped}\"}}", Encoding.UTF8, "application/json");

        var response = await fixture.Operator.PutAsync($"/api/tenants/{tenant}", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("name")[0].GetString().ShouldBe(message);
        (await fixture.Operator.GetAsync($"/api/tenants/{tenant}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_line_break_in_free_text_is_kept()
    {
        var tenant = LedgerFixture.NewTenantId("text");

        var response = await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Acme\nLtd" });

        response.IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task a_nul_in_the_query_answers_400_naming_the_parameter()
    {
        // (A NUL in the path is refused by ASP.NET Core itself.)
        var response = await fixture.Operator.GetAsync($"/api/tenants/acme/usage?from={fixture.MonthsAgo(8).Period}-01T00:00:00Z%00&to={fixture.MonthsAgo(8).Period}-02T00:00:00Z");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("from")[0].GetString()
            .ShouldBe("from must not contain the NUL character");
    }
}
