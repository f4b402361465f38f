from app.feature_flags import FeatureFlag


def mock_feature_flag(monkeypatch, feature_flag: FeatureFlag, enabled: str) -> None:
    monkeypatch.setenv(feature_flag.value, enabled)
