namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// The font invoices are drawn with. SkiaSharp's NoDependencies build sees no system fonts and has no fallback, so one
/// CJK-capable TrueType file covers Latin, Chinese and the currency signs (STACK-NOTES §5).
/// </summary>
/// <param name="Path">A .ttf or .ttc file.</param>
/// <param name="FaceIndex">The face inside a .ttc collection (0 = WenQuanYi Micro Hei, 1 = its monospaced twin).</param>
public sealed record InvoiceFonts(string Path, int FaceIndex = 0)
{
    public const string DefaultPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

    /// <summary>The Debian package that installs <see cref="DefaultPath"/>.</summary>
    public const string DefaultPackage = "fonts-wqy-microhei";

    public static InvoiceFonts Default { get; } = new(DefaultPath);
}
