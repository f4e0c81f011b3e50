using NodaTime;
using Shouldly;
using TokenLedger.Tenants;
using TokenLedger.Tenants.RegisteringTenant;
using Xunit;

namespace TokenLedger.Tests.Tenants.RegisteringTenant;

/// <summary><see cref="PutTenant"/>: its validator and its decider.</summary>
public class putting_a_tenant
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 12, 8, 0);
    private static readonly Tenant Acme = new("tenant:acme", "acme", "Acme Ltd", "Asia/Shanghai", "CNY", Instant.FromUtc(2026, 1, 1, 0, 0));
    private readonly PutTenant.Validator _validator = new();

    [Fact]
    public void a_new_tenant_without_zone_or_currency_is_registered_in_shanghai_in_yuan()
    {
        var events = PutTenant.Decide(null, new PutTenant("acme", "Acme Ltd", null, null, ActedBy: "k1"), Now);

        events.ShouldBe([new TenantRegistered("acme", "Acme Ltd", "Asia/Shanghai", "CNY", Now, "k1")]);
    }

    [Fact]
    public void a_new_tenant_is_registered_with_the_zone_and_currency_given()
    {
        var events = PutTenant.Decide(null, new PutTenant("globex", "Globex", "Europe/Berlin", "EUR"), Now);

        events.ShouldBe([new TenantRegistered("globex", "Globex", "Europe/Berlin", "EUR", Now)]);
    }

    [Fact]
    public void putting_the_same_profile_again_changes_nothing()
    {
        PutTenant.Decide(Acme, new PutTenant("acme", "Acme Ltd", "Asia/Shanghai", "CNY"), Now).ShouldBeEmpty();
    }

    [Fact]
    public void omitted_zone_and_currency_equal_to_the_defaults_change_nothing()
    {
        PutTenant.Decide(Acme, new PutTenant("acme", "Acme Ltd", null, null), Now).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Acme Group", "Asia/Shanghai", "CNY")]
    [InlineData("Acme Ltd", "Asia/Hong_Kong", "CNY")]
    [InlineData("Acme Ltd", "Asia/Shanghai", "HKD")]
    [InlineData("acme ltd", "Asia/Shanghai", "CNY")]
    public void any_difference_in_the_profile_is_a_profile_change_carrying_the_whole_new_profile(string name, string zone, string currency)
    {
        var events = PutTenant.Decide(Acme, new PutTenant("acme", name, zone, currency, ActedBy: "k1"), Now);

        events.ShouldBe([new TenantProfileChanged("acme", name, zone, currency, Now, "k1")]);
    }

    [Fact]
    public void omitting_zone_and_currency_keeps_the_tenants_own()
    {
        var berlin = Acme with { TimeZone = "Europe/Berlin", Currency = "EUR" };

        PutTenant.Decide(berlin, new PutTenant("acme", "Acme Ltd", null, null), Now).ShouldBeEmpty();
    }

    [Fact]
    public void omitting_the_name_keeps_it()
    {
        PutTenant.Decide(Acme, new PutTenant("acme", null, null, null, "retail-cny", "k1"), Now)
            .ShouldBe([new TenantRetailPriceBookAssigned("acme", "retail-cny", Now, "k1")]);
    }

    [Fact]
    public void registering_without_a_name_is_refused()
    {
        new PutTenant("acme", null, null, null).Refusal(null, null).ShouldBeOfType<TenantRefusal.Invalid>().Field.ShouldBe("name");
    }

    [Theory]
    [InlineData("Asia/Shanghai", "USD")]
    [InlineData("Europe/Berlin", "CNY")]
    [InlineData("Europe/Berlin", null)]
    public void currency_and_zone_are_fixed_once_the_tenant_has_activity(string zone, string? currency)
    {
        var refusal = new PutTenant("acme", null, zone, currency).Refusal(Acme, "usage");

        refusal.ShouldBeOfType<TenantRefusal.Locked>().Detail.ShouldContain("usage");
    }

    [Fact]
    public void currency_and_zone_may_change_before_any_activity_and_the_name_always()
    {
        new PutTenant("acme", "Acme Group", "Europe/Berlin", "EUR").Refusal(Acme, null).ShouldBeNull();
        new PutTenant("acme", "Acme Group", "Asia/Shanghai", "CNY").Refusal(Acme, "an invoice").ShouldBeNull();
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("Acme.Corp_cn-east-2")]
    public void a_valid_command_passes(string tenantId)
    {
        _validator.Validate(new PutTenant(tenantId, "Acme Ltd", "Europe/Berlin", "USD")).IsValid.ShouldBeTrue();
        _validator.Validate(new PutTenant(tenantId, "Acme Ltd", null, null)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void a_tenant_id_of_100_characters_passes_and_of_101_fails()
    {
        _validator.Validate(new PutTenant(new string('a', 100), "Acme", null, null)).IsValid.ShouldBeTrue();
        ErrorsOf(new PutTenant(new string('a', 101), "Acme", null, null)).ShouldBe([TenantIdError]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-acme")]
    [InlineData(".acme")]
    [InlineData("acme corp")]
    [InlineData("acme/eu")]
    [InlineData("acme:1")]
    [InlineData("阿里云")]
    public void a_bad_tenant_id_fails(string tenantId)
    {
        ErrorsOf(new PutTenant(tenantId, "Acme", null, null)).ShouldBe([TenantIdError]);
    }

    [Fact]
    public void a_tenant_id_starting_with_a_newline_fails()
    {
        ErrorsOf(new PutTenant("\nacme", "Acme", null, null)).ShouldBe([TenantIdError]);
    }

    [Fact]
    public void a_tenant_id_ending_with_a_newline_fails()
    {
        ErrorsOf(new PutTenant("acme\n", "Acme", null, null)).ShouldBe([TenantIdError]);
    }

    [Fact]
    public void a_currency_ending_with_a_newline_fails()
    {
        ErrorsOf(new PutTenant("acme", "Acme", null, "CNY\n"))
            .ShouldBe([("Currency", "currency must be an ISO 4217 code such as CNY or USD")]);
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("asia/shanghai")]
    [InlineData("")]
    [InlineData("GMT+8")]
    public void an_unknown_time_zone_fails_naming_the_zone(string zone)
    {
        ErrorsOf(new PutTenant("acme", "Acme", zone, null))
            .ShouldBe([("TimeZone", $"timeZone '{zone}' is not an IANA time zone id such as Asia/Shanghai")]);
    }

    [Theory]
    [InlineData("cny")]
    [InlineData("CN")]
    [InlineData("CNYY")]
    [InlineData("")]
    [InlineData("C1Y")]
    public void a_currency_that_is_not_three_capital_letters_fails(string currency)
    {
        ErrorsOf(new PutTenant("acme", "Acme", null, currency))
            .ShouldBe([("Currency", "currency must be an ISO 4217 code such as CNY or USD")]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void a_blank_name_fails(string name)
    {
        ErrorsOf(new PutTenant("acme", name, null, null)).ShouldBe([("Name", "name must not be empty")]);
    }

    [Fact]
    public void a_name_of_200_characters_passes_and_of_201_fails()
    {
        _validator.Validate(new PutTenant("acme", new string('n', 200), null, null)).IsValid.ShouldBeTrue();
        ErrorsOf(new PutTenant("acme", new string('n', 201), null, null)).Select(e => e.Property).ShouldBe(["Name"]);
    }

    [Fact]
    public void every_problem_is_reported_at_once()
    {
        ErrorsOf(new PutTenant("-", "", "Mars/Olympus", "cny")).Select(e => e.Property)
            .ShouldBe(["TenantId", "Name", "TimeZone", "Currency"]);
    }

    [Fact]
    public void a_default_hold_ttl_is_set_once_and_kept_when_a_put_leaves_it_out()
    {
        PutTenant.Decide(Acme, new PutTenant("acme", null, null, null, ActedBy: "k1", HoldTtlSeconds: 120), Now)
            .ShouldBe([new TenantHoldTtlSet("acme", 120, Now, "k1")]);
        var withTtl = Acme.Apply(new TenantHoldTtlSet("acme", 120, Now, "k1"));
        withTtl.HoldTtlSeconds.ShouldBe(120);
        PutTenant.Decide(withTtl, new PutTenant("acme", null, null, null, HoldTtlSeconds: 120), Now).ShouldBeEmpty();
        PutTenant.Decide(withTtl, new PutTenant("acme", "Acme Ltd", null, null), Now).ShouldBeEmpty();
        PutTenant.Decide(null, new PutTenant("globex", "Globex", null, null, HoldTtlSeconds: 60), Now)
            .ShouldBe([new TenantRegistered("globex", "Globex", "Asia/Shanghai", "CNY", Now), new TenantHoldTtlSet("globex", 60, Now)]);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3600, true)]
    [InlineData(0, false)]
    [InlineData(-5, false)]
    [InlineData(3601, false)]
    public void a_default_hold_ttl_is_1_to_3600_seconds(int seconds, bool valid)
    {
        var errors = ErrorsOf(new PutTenant("acme", null, null, null, HoldTtlSeconds: seconds));
        if (valid) errors.ShouldBeEmpty();
        else errors.ShouldBe([("HoldTtlSeconds", "holdTtlSeconds must be 1 to 3600 (a hold lives at most one hour)")]);
    }

    private static readonly (string, string) TenantIdError =
        ("TenantId", "tenantId must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit");

    private List<(string Property, string Message)> ErrorsOf(PutTenant command) =>
        _validator.Validate(command).Errors.Select(e => (e.PropertyName, e.ErrorMessage)).ToList();
}
