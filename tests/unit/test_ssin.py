import pytest
from ebox.domain.errors import InvalidInput
from ebox.domain.ssin import is_valid_ssin, normalise_ssin


@pytest.mark.parametrize("ssin", [
    "85073003328",  # born 1985: 97 - (850730033 mod 97) = 28
    "90011501277",
    "94022722580",
    "00010100105",  # born 1 Jan 2000: 97 - (2000101001 mod 97) = 5 (the 1900s rule would give 73)
    "17073003384",  # born 2017: the "2" prefix
])
def test_valid_ssins_of_both_centuries(ssin):
    assert is_valid_ssin(ssin)


@pytest.mark.parametrize("ssin", [
    "85073003329",  # check digits off by one
    "01010122233",  # the e-Box team's v3 example placeholder
    "8507300332",  # 10 digits: an enterprise number's length
    "850730033281",
    "8507300332a",
    "",
])
def test_bad_check_digits_or_shapes_are_invalid(ssin):
    assert not is_valid_ssin(ssin)
    with pytest.raises(InvalidInput):
        normalise_ssin(ssin)


def test_the_printed_form_is_accepted():
    assert normalise_ssin("85.07.30-033.28") == "85073003328"


def test_a_2000s_birth_with_the_1900s_check_digits_is_still_a_valid_number_of_a_1900s_birth():
    """Both rules are tried: 00010100173 is someone born 1 Jan 1900 (97 - 101001 mod 97 = 73)."""
    assert is_valid_ssin("00010100173")
    assert not is_valid_ssin("00010100174")
