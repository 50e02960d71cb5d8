// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICoopCommittee} from "./interfaces/ICoopCommittee.sol";
import {ICoopMembership} from "./interfaces/ICoopMembership.sol";

/// @title CoopCommittee
/// @notice The admissions committee: seats with terms, filled and vacated by vote, whose holders
/// admit, reject and recover through the register (see {ICoopCommittee}).
contract CoopCommittee is ICoopCommittee {
    /// @dev Loi 1947 art. 6: no mandate longer than six years.
    uint32 public constant MAX_MANDATE = 6 * 365 days + 1 days;
    uint8 private constant _MAX_SEATS = 32;

    ICoopMembership private immutable _membership;
    address private immutable _governance;

    uint8 private _seatCount;
    uint32 private _maxTerm;
    mapping(uint256 seatNumber => Seat) private _seats;
    mapping(address holder => uint256 seatPlusOne) private _seatOf;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert CommitteeUnauthorized(msg.sender);
        _;
    }

    modifier onlyInForce() {
        _checkInForce(msg.sender);
        _;
    }

    /// @param membership_ the register this committee admits into (its governance governs here)
    constructor(ICoopMembership membership_, address governance_, uint8 seatCount_, uint32 maxTerm_) {
        if (address(membership_) == address(0) || governance_ == address(0)) revert CommitteeZeroAddress();
        _membership = membership_;
        _governance = governance_;
        _setSeatCount(seatCount_);
        _setMaxTerm(maxTerm_);
    }

    // ================================================================ governance

    /// @inheritdoc ICoopCommittee
    function appoint(uint256 seatNumber, address holder, uint48 termEnd) external onlyGovernance {
        if (seatNumber >= _seatCount) revert CommitteeInvalidSeat(seatNumber, _seatCount);
        if (holder == address(0)) revert CommitteeZeroAddress();
        uint256 latest = block.timestamp + _maxTerm;
        if (termEnd <= block.timestamp || termEnd > latest) revert CommitteeInvalidTerm(termEnd, latest);
        if (_membership.member(holder).status != ICoopMembership.Status.Active) revert CommitteeHolderNotMember(holder);
        uint256 held = _seatOf[holder];
        if (held != 0 && held != seatNumber + 1) revert CommitteeAlreadySeated(holder, held - 1);
        _vacate(seatNumber);
        _seats[seatNumber] = Seat(holder, termEnd);
        _seatOf[holder] = seatNumber + 1;
        emit SeatFilled(seatNumber, holder, termEnd);
    }

    /// @inheritdoc ICoopCommittee
    function vacate(uint256 seatNumber) external onlyGovernance {
        if (seatNumber >= _seatCount) revert CommitteeInvalidSeat(seatNumber, _seatCount);
        _vacate(seatNumber);
    }

    /// @inheritdoc ICoopCommittee
    function setSeatCount(uint8 seatCount_) external onlyGovernance {
        for (uint256 s = seatCount_; s < _seatCount; ++s) _vacate(s); // seats beyond the new count end
        _setSeatCount(seatCount_);
    }

    /// @inheritdoc ICoopCommittee
    function setMaxTerm(uint32 maxTerm_) external onlyGovernance {
        _setMaxTerm(maxTerm_);
    }

    // ================================================================ seat holders

    /// @inheritdoc ICoopCommittee
    function admit(address[] calldata accounts, bytes32[] calldata attestations) external onlyInForce {
        if (accounts.length != attestations.length) revert CommitteeLengthMismatch(accounts.length, attestations.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            _membership.committeeAdmit(accounts[i], attestations[i], msg.sender);
        }
    }

    /// @inheritdoc ICoopCommittee
    function reject(address[] calldata accounts, bytes32[] calldata reasonHashes) external onlyInForce {
        if (accounts.length != reasonHashes.length) revert CommitteeLengthMismatch(accounts.length, reasonHashes.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            _membership.committeeReject(accounts[i], reasonHashes[i]);
        }
    }

    /// @inheritdoc ICoopCommittee
    function recover(address lost, address newAccount) external onlyInForce {
        _membership.committeeRecover(lost, newAccount, msg.sender);
    }

    // ================================================================ views

    function membership() external view returns (address) {
        return address(_membership);
    }

    function governance() external view returns (address) {
        return _governance;
    }

    function seatCount() external view returns (uint256) {
        return _seatCount;
    }

    function maxTerm() external view returns (uint256) {
        return _maxTerm;
    }

    function seat(uint256 seatNumber) external view returns (Seat memory) {
        return _seats[seatNumber];
    }

    function inForce(address account) public view returns (bool) {
        uint256 held = _seatOf[account];
        if (held == 0) return false;
        if (_seats[held - 1].termEnd <= block.timestamp) return false;
        return _membership.member(account).status == ICoopMembership.Status.Active;
    }

    // ================================================================ internals

    function _checkInForce(address account) private view {
        uint256 held = _seatOf[account];
        uint256 termEnd = held == 0 ? 0 : _seats[held - 1].termEnd;
        if (termEnd <= block.timestamp) revert CommitteeSeatNotInForce(account, termEnd);
        if (_membership.member(account).status != ICoopMembership.Status.Active) {
            revert CommitteeHolderNotMember(account);
        }
    }

    function _vacate(uint256 seatNumber) private {
        address holder = _seats[seatNumber].holder;
        if (holder == address(0)) return;
        delete _seats[seatNumber];
        delete _seatOf[holder];
        emit SeatVacated(seatNumber, holder);
    }

    function _setSeatCount(uint8 seatCount_) private {
        if (seatCount_ == 0 || seatCount_ > _MAX_SEATS) revert CommitteeInvalidSeatCount(seatCount_);
        uint256 old = _seatCount;
        _seatCount = seatCount_;
        emit SeatCountSet(old, seatCount_);
    }

    function _setMaxTerm(uint32 maxTerm_) private {
        if (maxTerm_ == 0 || maxTerm_ > MAX_MANDATE) revert CommitteeInvalidMaxTerm(maxTerm_);
        uint256 old = _maxTerm;
        _maxTerm = maxTerm_;
        emit MaxTermSet(old, maxTerm_);
    }
}
