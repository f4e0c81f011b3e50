using System.Net;
using System.Security.Claims;
using Shouldly;
using TokenLedger.Access;
using TokenLedger.Webhooks;
using TokenLedger.Webhooks.Subscribing;

namespace TokenLedger.Tests.Webhooks;

public class refusing_webhook_urls
{
    [Theory]
    [InlineData("ftp://hooks.example/in")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/path")]
    [InlineData("https://user:pw@hooks.example/in")]
    [InlineData("")]
    public void only_absolute_http_and_https_urls_without_credentials_are_taken(string url)
    {
        WebhookUrls.Refusal(url, allowPrivate: true).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("http://localhost:9000/hooks")]
    [InlineData("http://127.0.0.1/hooks")]
    [InlineData("http://10.1.2.3/hooks")]
    [InlineData("http://192.168.0.10/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hooks")]
    public void private_and_loopback_addresses_are_refused_unless_allowed(string url)
    {
        WebhookUrls.Refusal(url, allowPrivate: false).ShouldNotBeNull();
        WebhookUrls.Refusal(url, allowPrivate: true).ShouldBeNull();
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("172.16.5.4", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.64.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("2606:4700::1111", false)]
    [InlineData("0.0.0.0", true)]
    public void addresses_are_classed_as_private_or_public(string address, bool isPrivate)
    {
        WebhookUrls.IsPrivate(IPAddress.Parse(address)).ShouldBe(isPrivate);
    }

    [Fact]
    public void a_public_https_url_is_taken()
    {
        WebhookUrls.Refusal("https://hooks.example.com/tokenledger", allowPrivate: false).ShouldBeNull();
    }

    private static ClaimsPrincipal Key(string role, string? tenant = null, string? distributor = null)
    {
        var claims = new List<Claim> { new(LedgerClaims.Role, role) };
        if (tenant is not null) claims.Add(new Claim(LedgerClaims.TenantId, tenant));
        if (distributor is not null) claims.Add(new Claim(LedgerClaims.DistributorId, distributor));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    [Fact]
    public void a_tenant_key_subscribes_for_its_own_tenant_only_and_an_operator_for_anyone()
    {
        var body = new CreateWebhook("https://hooks.example/in", null, null, null, null);

        CreateWebhook.Owner(body, Key(Roles.Tenant, tenant: "acme")).ShouldBe(("acme", null, null));
        CreateWebhook.Owner(body with { TenantId = "other" }, Key(Roles.Tenant, tenant: "acme")).RefusedField.ShouldBe("tenantId");
        CreateWebhook.Owner(body, Key(Roles.Distributor, distributor: "cloudmart")).ShouldBe((null, "cloudmart", null));
        CreateWebhook.Owner(body with { TenantId = "acme" }, Key(Roles.Distributor, distributor: "cloudmart")).RefusedField.ShouldBe("tenantId");
        CreateWebhook.Owner(body with { TenantId = "acme" }, Key(Roles.Operator)).ShouldBe(("acme", null, null));
        CreateWebhook.Owner(body, Key(Roles.Operator)).ShouldBe((null, null, null));
    }
}
