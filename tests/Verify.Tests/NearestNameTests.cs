using SimplicityBias.Verify.Specs;

namespace SimplicityBias.Verify.Tests;

public class NearestNameTests
{
    [Theory]
    [InlineData("dd", "d")]           // n and m are two edits away, d one
    [InlineData("lamda", "lambda")]
    [InlineData("Sigma", "sigma")]    // case alone
    [InlineData("seeds", "seed")]
    [InlineData("dataModle", "dataModel")]
    [InlineData("tesTn", "testN")]
    public void Suggests_the_single_nearest_field(string typed, string expected)
        => Assert.Equal($"unknown field (did you mean \"{expected}\"?)", SpecReader.UnknownFieldMessage(typed));

    [Theory]
    [InlineData("x")]                 // one letter from n, d and m alike: a different name, not a typo
    [InlineData("learning")]
    [InlineData("frobnicate")]
    public void Suggests_nothing_when_no_field_is_near(string typed)
        => Assert.Equal("unknown field", SpecReader.UnknownFieldMessage(typed));

    [Fact]
    public void Ties_go_to_the_ordinally_first_name_whatever_the_order()
    {
        Assert.Equal("ab", NearestName.Find("aa", ["ba", "ab"]));
        Assert.Equal("ab", NearestName.Find("aa", ["ab", "ba"]));
    }
}
