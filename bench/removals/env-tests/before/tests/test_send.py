import pytest
from app.feature_flags import FeatureFlag
from app.send import deliver, push

from tests.factories.feature_flag import mock_feature_flag


@pytest.fixture
def rate_limit_enabled(monkeypatch):
    mock_feature_flag(monkeypatch, FeatureFlag.SMS_RATE_LIMIT_ENABLED, 'True')


def test_rate_limited(rate_limit_enabled):
    assert deliver({'rate_limit': 3}) == 'rate-limited'


def test_plain_without_limit(monkeypatch):
    mock_feature_flag(monkeypatch, FeatureFlag.SMS_RATE_LIMIT_ENABLED, 'True')
    assert deliver({}) == 'plain'


def test_plain_when_off(monkeypatch):
    mock_feature_flag(monkeypatch, FeatureFlag.SMS_RATE_LIMIT_ENABLED, 'False')
    assert deliver({'rate_limit': 3}) == 'plain'


def test_push(monkeypatch):
    mock_feature_flag(monkeypatch, FeatureFlag.PUSH_ENABLED, 'True')
    mock_feature_flag(monkeypatch, FeatureFlag.SMS_RATE_LIMIT_ENABLED, 'True')
    assert push('m') == 'm'
