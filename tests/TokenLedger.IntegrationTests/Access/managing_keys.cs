using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Access;

/// <summary>Key lifecycle over HTTP: list, revoke, rotate, expire; the admin key is named by its fingerprint.</summary>
[Collection(LedgerCollection.Name)]
public sealed class managing_keys(LedgerFixture fixture)
{
    private static readonly string AdminId = ApiKeySecret.AdminKeyId(LedgerHost.AdminKey);

    [Fact]
    public async Task the_listing_shows_role_issuer_issue_time_expiry_and_last_use_but_never_the_key()
    {
        var expiresAt = Epoch.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var (key, keyId) = await IssueAsync(fixture.Operator, new { role = "finance", expiresAt });
        (await Bearer(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var listing = await fixture.Operator.GetStringAsync("/api/keys");
        listing.ShouldNotContain(key);
        var keys = JsonDocument.Parse(listing).RootElement.EnumerateArray().ToList();
        var mine = keys.Single(k => k.GetProperty("keyId").GetString() == keyId);
        mine.GetProperty("role").GetString().ShouldBe("finance");
        mine.GetProperty("status").GetString().ShouldBe("active");
        mine.GetProperty("issuedBy").GetString().ShouldBe(AdminId);
        mine.GetProperty("issuedAt").GetString().ShouldNotBeNullOrEmpty();
        mine.GetProperty("expiresAt").GetString().ShouldBe(expiresAt);
        mine.GetProperty("lastUsedAt").ValueKind.ShouldBe(JsonValueKind.String);
        var environment = keys.Single(k => k.GetProperty("status").GetString() == "environment");
        environment.GetProperty("keyId").GetString().ShouldBe(AdminId);
        AdminId.ShouldMatch("^admin:[0-9a-f]{12}$");
    }

    [Fact]
    public async Task a_revoked_key_answers_401_and_the_revocation_is_a_new_fact_in_the_listing()
    {
        var (key, keyId) = await IssueAsync(fixture.Operator, new { role = "gateway" });
        (await Bearer(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var revoked = await fixture.Operator.DeleteAsync($"/api/keys/{keyId}");
        revoked.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await revoked.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("revokedBy").GetString().ShouldBe(AdminId);

        (await Bearer(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var again = await (await fixture.Operator.DeleteAsync($"/api/keys/{keyId}")).Content.ReadFromJsonAsync<JsonElement>();
        again.GetProperty("revokedAt").GetString().ShouldBe(body.GetProperty("revokedAt").GetString());

        var listed = (await fixture.Operator.GetFromJsonAsync<JsonElement>("/api/keys")).EnumerateArray()
            .Single(k => k.GetProperty("keyId").GetString() == keyId);
        listed.GetProperty("status").GetString().ShouldBe("revoked");
        listed.GetProperty("issuedAt").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task rotation_issues_the_new_operator_key_then_revokes_the_old_one_with_it()
    {
        var (old, oldId) = await IssueAsync(fixture.Operator, new { role = "operator" });
        var (@new, newId) = await IssueAsync(Bearer(old), new { role = "operator" });

        (await Bearer(old).DeleteAsync($"/api/keys/{oldId}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Bearer(@new).DeleteAsync($"/api/keys/{oldId}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await Bearer(old).GetAsync("/api/keys")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var keys = await Bearer(@new).GetFromJsonAsync<JsonElement>("/api/keys");
        keys.EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == newId).GetProperty("issuedBy").GetString().ShouldBe(oldId);
    }

    [Fact]
    public async Task revoking_answers_400_for_a_malformed_id_or_the_environment_key_and_404_for_an_unknown_one()
    {
        await ShouldNameAsync(await fixture.Operator.DeleteAsync("/api/keys/not-a-key"), "keyId");
        await ShouldNameAsync(await fixture.Operator.DeleteAsync($"/api/keys/{AdminId}"), "keyId");
        (await fixture.Operator.DeleteAsync("/api/keys/0000000000000000")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var finance = await fixture.RoleClientAsync("finance");
        (await finance.GetAsync("/api/keys")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await finance.DeleteAsync("/api/keys/0000000000000000")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_expiry_in_the_past_or_beyond_366_days_is_a_400_naming_expires_at()
    {
        await ShouldNameAsync(await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "gateway", expiresAt = Epoch.LongBefore }), "ExpiresAt");
        var far = Epoch.UtcNow.AddDays(400).ToString("yyyy-MM-ddTHH:mm:ssZ");
        await ShouldNameAsync(await fixture.Operator.PostAsJsonAsync("/api/keys", new { role = "gateway", expiresAt = far }), "ExpiresAt");
        var tenant = await fixture.RegisterTenantAsync(LedgerFixture.NewTenantId("exp"));
        await ShouldNameAsync(await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/keys", new { expiresAt = Epoch.LongBefore }), "ExpiresAt");
    }

    [Fact]
    public async Task a_key_answers_401_once_it_has_expired()
    {
        var (key, _) = await IssueAsync(fixture.Operator, new { role = "finance", expiresAt = Epoch.UtcNow.AddSeconds(3).ToString("yyyy-MM-ddTHH:mm:ssZ") });
        (await Bearer(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Epoch.Clock.Advance(NodaTime.Duration.FromSeconds(4)); // the service's clock, not a wait
        (await Bearer(key).GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<(string Key, string KeyId)> IssueAsync(HttpClient issuer, object body)
    {
        var response = await issuer.PostAsJsonAsync("/api/keys", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (issued.GetProperty("key").GetString()!, issued.GetProperty("keyId").GetString()!);
    }

    private HttpClient Bearer(string key) => fixture.App.Client(key);

    private static async Task ShouldNameAsync(HttpResponseMessage response, string field)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }
}
